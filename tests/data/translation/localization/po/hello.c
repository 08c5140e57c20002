/* A tiny program whose strings make the test template hello.pot (see ../README.md). */
#include <libintl.h>
#include <stdio.h>
#define _(s) gettext(s)
#define N_(s) s

static const char* kinds[] = {N_("file"), N_("folder")};

int main(int argc, char** argv) {
    /* TRANSLATORS: the program's greeting; %s is the user's name. */
    printf(_("Hello, %s!\n"), argv[0]);
    printf(ngettext("Copied %d file", "Copied %d files", argc), argc);
    printf(ngettext("%lu byte left in \"%s\"", "%lu bytes left in \"%s\"", (unsigned long)argc),
           (unsigned long)argc, argv[0]);
    /* TRANSLATORS: a menu entry, keep it short. */
    puts(pgettext("menu", "Open"));
    puts(pgettext("verb", "Open"));
    puts(_("Usage: hello [OPTION]... [FILE]...\n"
           "Greets every FILE.\n"
           "\n"
           "  -h, --help     display this help and exit\n"));
    puts(_("Tab\there, a backslash \\ and a bell \a."));
    puts(_(kinds[0]));
    return 0;
}
