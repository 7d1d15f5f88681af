/* haven: one binary for the server, the command line and the web interface. */
#include "cli/cli.h"

int main(int argc, char **argv) { return cli_main(argc, argv); }
