/* ctx_x86_64.S — the task context switch (System V x86-64).
 *
 * twrt__ctx_switch(from, to): push the callee-saved registers on the current stack, store the
 * stack pointer in from->sp, load to->sp, pop and return into `to`. The saved frame is, from the
 * stored sp upwards: mxcsr/x87cw, r15, r14, r13, r12, rbx, rbp, return address; runtime/ctx.c
 * reads it back to publish a parked task's registers (tw_task_context). rbp is saved like any
 * other register, so a frame-pointer walk from (return address, saved rbp) unwinds the task.
 */
#if defined(__x86_64__) && !defined(TWRT_USE_UCONTEXT)
    .text
    .globl twrt__ctx_switch
    .type twrt__ctx_switch, @function
twrt__ctx_switch:
    .cfi_startproc
    pushq %rbp
    .cfi_adjust_cfa_offset 8
    pushq %rbx
    .cfi_adjust_cfa_offset 8
    pushq %r12
    .cfi_adjust_cfa_offset 8
    pushq %r13
    .cfi_adjust_cfa_offset 8
    pushq %r14
    .cfi_adjust_cfa_offset 8
    pushq %r15
    .cfi_adjust_cfa_offset 8
    subq $8, %rsp
    .cfi_adjust_cfa_offset 8
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq (%rsi), %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .cfi_endproc
    .size twrt__ctx_switch, .-twrt__ctx_switch

/* First code a new task runs: the prepared frame put the task in r12. rbp = 0 ends every
 * frame-pointer walk here; the stack is realigned for the call. */
    .globl twrt__ctx_entry
    .type twrt__ctx_entry, @function
twrt__ctx_entry:
    .cfi_startproc
    .cfi_undefined rip
    xorl %ebp, %ebp
    movq %r12, %rdi
    andq $-16, %rsp
    call twrt__task_main
    ud2
    .cfi_endproc
    .size twrt__ctx_entry, .-twrt__ctx_entry
#endif
    .section .note.GNU-stack,"",@progbits
