/* Compiles the public header alone, under -pedantic, as a user would. */
#include <retort.h>

int retort_headertest(void);

int retort_headertest(void)
{
	return RETORT_OK;
}
