/* commands.h — the command functions exec.c dispatches to (commands.c). */
#ifndef TWC_COMMANDS_H
#define TWC_COMMANDS_H
#include "internal.h"
int cmd_summary(struct twc_session *s, const struct model *m, const struct cmdopts *o, struct sbuf *b);
int cmd_tasks_list(struct twc_session *s, const struct mtask *tasks, size_t n, size_t total_hint,
                   const struct cmdopts *o, struct sbuf *b);
int cmd_task(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b, char *err, size_t errlen);
int cmd_resources(struct twc_session *s, const struct model *m, const struct cmdopts *o, struct sbuf *b);
int cmd_resource(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b, char *err, size_t errlen);
int cmd_deadlocks(struct twc_session *s, const struct model *m, const struct cmdopts *o, struct sbuf *b);
int cmd_alerts(struct twc_session *s, const struct model *m, const struct cmdopts *o, struct sbuf *b);
int cmd_why(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b, char *err, size_t errlen);
int cmd_log(struct twc_session *s, size_t want, const struct cmdopts *o, struct sbuf *b);
int cmd_position(struct twc_session *s, const struct cmdopts *o, struct sbuf *b, const char *note);
void text_chain(struct twc_session *s, const struct model *m, const struct derived *d, struct sbuf *b,
                const struct dl_entry *c, size_t n, int global);
#endif
