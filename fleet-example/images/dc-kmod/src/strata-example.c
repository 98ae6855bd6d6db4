// A stand-in module source: the example's toolchain records its checksum in the built artefact.
#include <linux/module.h>
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Strata example module");
