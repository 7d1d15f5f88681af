/* cli: the `haven` command line. */
#ifndef HAVEN_CLI_CLI_H
#define HAVEN_CLI_CLI_H

/* Runs the command named by argv[1]; returns the process exit code. */
int cli_main(int argc, char **argv);

#endif
