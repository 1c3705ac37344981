/* Placeholder until the client lands: keeps the build whole. */
#include <stdio.h>

int
main(void)
{
	fprintf(stderr, "ftpc: not built yet\n");
	return 1;
}
