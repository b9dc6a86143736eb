// EPUBCheck for many books in one Java process, which starts and warms up once
// (press/validate.py). Run as a source file: java -cp epubcheck.jar EpubCheckService.java.
// Each line read names a book and the file for its report, separated by a tab; the
// report is written as `epubcheck --json` writes it, then EPUBCheck's exit status is
// replied on a line of its own.
import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

public class EpubCheckService {
    public static void main(String[] arguments) throws IOException {
        PrintStream replies = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        // What EPUBCheck prints itself goes with its other messages, never among the replies.
        System.setOut(System.err);
        BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String request;
        while ((request = requests.readLine()) != null) {
            String[] files = request.split("\t", 2);
            replies.println(new EpubChecker().run(new String[] {files[0], "--json", files[1], "--quiet"}));
        }
    }
}
