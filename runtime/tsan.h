/* runtime/tsan.h — ThreadSanitizer fiber annotations: without them TSan cannot follow a stack
 * switch and reports nonsense. Compiled to nothing in ordinary builds. */
#ifndef TWRT_TSAN_H
#define TWRT_TSAN_H
#if defined(__SANITIZE_THREAD__)
void *__tsan_get_current_fiber(void);
void *__tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void *fiber);
void __tsan_switch_to_fiber(void *fiber, unsigned flags);
void __tsan_set_fiber_name(void *fiber, const char *name);
static inline void *twrt__tsan_current(void) { return __tsan_get_current_fiber(); }
static inline void *twrt__tsan_create(const char *name)
{ void *f = __tsan_create_fiber(0); __tsan_set_fiber_name(f, name); return f; }
static inline void twrt__tsan_destroy(void *f) { if (f) __tsan_destroy_fiber(f); }
static inline void twrt__tsan_switch(void *f) { __tsan_switch_to_fiber(f, 0); }
#else
static inline void *twrt__tsan_current(void) { return 0; }
static inline void *twrt__tsan_create(const char *name) { (void)name; return 0; }
static inline void twrt__tsan_destroy(void *f) { (void)f; }
static inline void twrt__tsan_switch(void *f) { (void)f; }
#endif
#endif
