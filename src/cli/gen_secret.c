#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/random.h"

#define SECRET_DEFAULT_BYTES 32
#define SECRET_MAX_BYTES 128

int cli_gen_secret(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	long bytes = SECRET_DEFAULT_BYTES;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--bytes") && i + 1 < argc) {
			char *end;
			bytes = strtol(argv[++i], &end, 10);
			if (*end || bytes < SECRET_DEFAULT_BYTES || bytes > SECRET_MAX_BYTES) {
				cli_error("--bytes must be between %d and %d", SECRET_DEFAULT_BYTES, SECRET_MAX_BYTES);
				return CLI_USAGE;
			}
		} else {
			cli_error("gen-secret: unexpected argument '%s'", argv[i]);
			return CLI_USAGE;
		}
	}
	unsigned char buf[SECRET_MAX_BYTES];
	if (random_bytes(buf, (size_t)bytes) != 0) {
		cli_error("gen-secret: no randomness available");
		return CLI_FAILED;
	}
	/* Hex keeps the file printable; each character still carries 4 random bits. */
	for (long i = 0; i < bytes; i++)
		printf("%02x", buf[i]);
	putchar('\n');
	explicit_bzero(buf, sizeof buf);
	return fflush(stdout) == 0 ? CLI_OK : CLI_FAILED;
}
