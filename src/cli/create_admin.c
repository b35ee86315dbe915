#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "service/password.h"
#include "service/user.h"

/* Reads one line (without its newline) from a non-terminal stdin; NULL when empty or a terminal. */
static char *read_password_from_stdin(void)
{
	if (isatty(STDIN_FILENO))
		return NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	if (n <= 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n == 0) {
		free(line);
		return NULL;
	}
	return line;
}

int cli_create_admin(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *user = NULL;
	bool reset = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--user") && i + 1 < argc)
			user = argv[++i];
		else if (!strncmp(argv[i], "--user=", 7))
			user = argv[i] + 7;
		else if (!strcmp(argv[i], "--reset-password"))
			reset = true;
		else {
			cli_error("create-admin: unexpected argument '%s'", argv[i]);
			return CLI_USAGE;
		}
	}
	if (!user) {
		cli_error("create-admin: --user NAME is required");
		return CLI_USAGE;
	}

	int rc = CLI_FAILED;
	struct svc_app app = {0};
	char err[512];
	char *password = read_password_from_stdin();
	bool generated = password == NULL;
	if (generated && !(password = password_generate())) {
		cli_error("create-admin: cannot generate a password");
		return CLI_FAILED;
	}
	if (svc_app_open(&app, &ctx->cfg, err, sizeof err) < 0) {
		cli_error("create-admin: %s", err);
		goto out;
	}
	struct field_errors fe;
	field_errors_init(&fe);
	bool created = false;
	enum app_err e = svc_user_ensure_admin(&app, user, password, reset, &created, &fe);
	if (e == APP_CONFLICT) {
		/* Already there: nothing to do, nothing printed (use --reset-password to change it). */
		rc = CLI_OK;
	} else if (e == APP_INVALID) {
		for (size_t i = 0; i < fe.n; i++)
			cli_error("create-admin: %s %s", fe.e[i].field, fe.e[i].message);
	} else if (e != APP_OK) {
		cli_error("create-admin: %s", app_err_info(e)->title);
	} else {
		if (generated)
			printf("%s\n", password);
		fprintf(stderr, "create-admin: %s %s\n", user, created ? "created" : "password reset");
		rc = CLI_OK;
	}
out:
	svc_app_close(&app);
	explicit_bzero(password, strlen(password));
	free(password);
	return rc;
}
