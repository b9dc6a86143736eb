// EPUBCheck on several books in one Java process: the JVM starts (and warms up) once.
// Run as a source file: java -cp epubcheck.jar EpubCheckAll.java BOOK.epub... ; each
// book's report goes to BOOK.epub.json, as `epubcheck --json` writes it.
import com.adobe.epubcheck.tool.EpubChecker;

public class EpubCheckAll {
    public static void main(String[] books) {
        for (String book : books) {
            new EpubChecker().run(new String[] {book, "--json", book + ".json", "--quiet"});
        }
    }
}
