/* Who is calling, as the services know them: a user, their role and its permissions. */
#ifndef TURNERO_SVC_PRINCIPAL_H
#define TURNERO_SVC_PRINCIPAL_H

#include "common/ids.h"
#include "common/perm.h"

struct svc_principal {
	char user_id[UUID_STR_LEN];
	char user_name[33];
	char role_id[UUID_STR_LEN];
	char role_name[201];
	perm_set perms; /* empty while the role is deactivated */
};

#endif
