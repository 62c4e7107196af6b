/* dwarf_names.h — the DWARF type walk that turns "byte N of a variable" into a path ("[2]",
 * ".lock"), shared by symbols.c (globals, found through ELF symbols) and locals.c (variables
 * of stack frames). Internal to libtwcore. */
#ifndef TWC_DWARF_NAMES_H
#define TWC_DWARF_NAMES_H
#include <stddef.h>
#include <libdwarf/dwarf.h>
#include <libdwarf/libdwarf.h>

/* The DIE offset an attribute refers to (DW_AT_type...): 0, or -1 when absent. */
int twc__dw_attr_ref(Dwarf_Die die, Dwarf_Half at, Dwarf_Off *off);
/* A constant attribute (signed or unsigned): 0, or -1 when absent. */
int twc__dw_attr_num(Dwarf_Die die, Dwarf_Half at, long long *v);
/* Size in bytes of the type at DIE offset `type` (0 when unknown). */
long long twc__dw_type_size(Dwarf_Debug dbg, Dwarf_Off type, int depth);
/* Append the member/element path of byte `off` inside a value of type `type` to out
 * ("[1]", ".lock", "+0x8" for what no member covers). */
void twc__dw_describe(Dwarf_Debug dbg, Dwarf_Off type, unsigned long long off, char *out, size_t n);
#endif
