/* dwarf_names.h — the DWARF type walk that turns "byte N of a variable" into a path ("[2]",
 * ".lock"), shared by symbols.c (globals, found through ELF symbols) and locals.c (variables
 * of stack frames). Internal to libtwcore. */
#ifndef TWC_DWARF_NAMES_H
#define TWC_DWARF_NAMES_H
#include <stddef.h>
#include <stdint.h>
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
/* The same, and the name of the outermost toolchain class the byte lies in ("latch",
 * "counting_semaphore<4>") in type when type[0] is 0 on entry; type may be NULL. */
void twc__dw_describe_typed(Dwarf_Debug dbg, Dwarf_Off type, unsigned long long off, char *out, size_t n, char *type_name,
                            size_t tn);
/* The name of file idx (DW_AT_decl_file, DW_AT_call_file) in the file table of the CU at
 * cu_off: 0, or -1 when unknown. */
int twc__dw_file_name(Dwarf_Debug dbg, Dwarf_Off cu_off, long long idx, char *out, size_t n);
/* Call fn(lo, hi) for each address range of die: low_pc/high_pc, or a DWARF 5 range list.
 * Returns how many ranges it found (0: the DIE has no code, or ranges we do not read). */
typedef void (*range_fn)(void *arg, uint64_t lo, uint64_t hi);
int twc__dw_die_ranges(Dwarf_Die die, int cu_version, range_fn fn, void *arg);
/* dwarf_ranges4.c: the same for a DWARF 4 DW_AT_ranges (.debug_ranges), which needs the
 * debug handle and the compile unit's base address */
int twc__dw_die_ranges4(Dwarf_Debug dbg, Dwarf_Die die, range_fn fn, void *arg);

/* dw_children.c: call fn(child, arg) on each child of parent in order, at most limit of them (0:
 * no limit), until fn returns nonzero, which is returned (0 when it never did). A child is freed
 * once fn returns: keep its offset, not the DIE. */
typedef int (*twc__dw_child_fn)(Dwarf_Die child, void *arg);
int twc__dw_each_child(Dwarf_Debug dbg, Dwarf_Die parent, int limit, twc__dw_child_fn fn, void *arg);

/* The same over the DIEs in scope at pc (relative to the executable) in d: fn is called on d's
 * children and, depth-first in their place, on those of each lexical block (and inlined body,
 * when inlined is set) whose ranges hold pc; the blocks themselves are not passed. At most
 * *budget DIEs are visited (it is spent as they are: -1 once it is gone). */
int twc__dw_each_in_scope(Dwarf_Debug dbg, Dwarf_Die d, uint64_t pc, int cu_version, int inlined, int *budget,
                          twc__dw_child_fn fn, void *arg);

/* locals.c's per-session view of the executable's DWARF, shared with user_site.c: the debug
 * handle (indexed on first use; NULL when the executable has no usable DWARF), the subprogram
 * DIE around an absolute pc (0, with the pc relative to the executable; -1 when none), the
 * frames lent. */
struct stack_names;
struct twc_fact_frame;
Dwarf_Debug twc__stack_dwarf(struct stack_names *sn);
int twc__stack_fn_at(struct stack_names *sn, uint64_t pc, Dwarf_Off *die, uint64_t *rel_pc);
const struct twc_fact_frame *twc__stack_frames(const struct stack_names *sn, size_t *n);
/* The address of variable var of function fn in frame f, for the register-relative forms locals.c
 * evaluates (-O0's DW_OP_fbreg over DW_OP_call_frame_cfa): 0, or -1. */
int twc__stack_var_addr(const struct twc_fact_frame *f, Dwarf_Debug dbg, Dwarf_Die fn, Dwarf_Die var, uint64_t *addr);
#endif
