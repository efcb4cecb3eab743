/* Compiles the public header alone, under -pedantic, as a user would; the
** options macros too, which must give every member (-Wextra warns of a
** missing one: a member added to a struct and not to its _INIT macro). */
#include <retort.h>

int retort_headertest(void);

int retort_headertest(void)
{
	retort_migrate_options migrate = RETORT_MIGRATE_OPTIONS_INIT;
	retort_fleet_options fleet = RETORT_FLEET_OPTIONS_INIT;

	return migrate.version == RETORT_MIGRATE_OPTIONS_VERSION &&
		fleet.version == RETORT_FLEET_OPTIONS_VERSION ? RETORT_OK : RETORT_ERROR;
}
