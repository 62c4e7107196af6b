/* dwarf_ranges4.c — DWARF 4's range lists (.debug_ranges), for the inlined calls of programs
 * that still emit DWARF 4: rustc (Debian's 1.63 and later), gcc before 11, `-gdwarf-4`.
 *
 * An inlined call whose code is not one block has DW_AT_ranges instead of low/high pc. In DWARF 5
 * libdwarf hands over final addresses (twc__dw_die_ranges); in DWARF 4 each entry is relative to
 * a base: the compile unit's DW_AT_low_pc, until a base-address-selection entry sets a new one.
 * Without this, the user's line of a Rust program — an async block inlined into
 * GenFuture::poll, `CONFIG.lock()` inlined into it — was never found: only the line of the
 * innermost code, inside std. Bounded like every reader of the target's files. */
#include "dwarf_names.h"

int twc__dw_die_ranges4(Dwarf_Debug dbg, Dwarf_Die die, range_fn fn, void *arg)
{
    Dwarf_Error e = 0;
    Dwarf_Attribute a;
    Dwarf_Off ref = 0, cu_off = 0, real = 0;
    Dwarf_Unsigned off = 0, bytes = 0;
    if (dwarf_attr(die, DW_AT_ranges, &a, &e) != DW_DLV_OK) return 0;
    int ok = dwarf_global_formref(a, &ref, &e) == DW_DLV_OK;
    if (ok) off = ref;
    else ok = dwarf_formudata(a, &off, &e) == DW_DLV_OK;
    dwarf_dealloc_attribute(a);
    if (!ok) return 0;
    Dwarf_Addr base = 0;
    Dwarf_Die cu = 0;
    if (dwarf_CU_dieoffset_given_die(die, &cu_off, &e) == DW_DLV_OK && dwarf_offdie_b(dbg, cu_off, 1, &cu, &e) == DW_DLV_OK) {
        if (dwarf_lowpc(cu, &base, &e) != DW_DLV_OK) base = 0;
        dwarf_dealloc_die(cu);
    }
    Dwarf_Ranges *r = NULL;
    Dwarf_Signed count = 0;
    if (dwarf_get_ranges_b(dbg, off, die, &real, &r, &count, &bytes, &e) != DW_DLV_OK) return 0;
    int n = 0;
    for (Dwarf_Signed i = 0; i < count && i < 4096; i++) {
        if (r[i].dwr_type == DW_RANGES_END) break;
        if (r[i].dwr_type == DW_RANGES_ADDRESS_SELECTION) { base = r[i].dwr_addr2; continue; }
        fn(arg, base + r[i].dwr_addr1, base + r[i].dwr_addr2);
        n++;
    }
    dwarf_ranges_dealloc(dbg, r, count);
    return n;
}
