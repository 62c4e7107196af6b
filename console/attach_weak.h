/* attach_weak.h — libtwattach's functions as weak references. The console links
 * build/lib/libtwattach.a when the attach module exists (module.mk forces its members in with
 * -u); without it these are NULL and tw says attach-only/core reading is not built, with exit
 * status 3, instead of failing to build. */
#ifndef TW_ATTACH_WEAK_H
#define TW_ATTACH_WEAK_H
#include "../attach/twattach.h"
#pragma weak twa_core_open
#pragma weak twa_core_read
#pragma weak twa_core_find_region
#pragma weak twa_core_close
#pragma weak twa_collect_pid
#pragma weak twa_collect_core
#pragma weak twa_release
#endif
