/* commands.h — the command functions exec.c dispatches to (commands.c). */
#ifndef TWC_COMMANDS_H
#define TWC_COMMANDS_H
#include "internal.h"
/* The commands that render the model as of the moment shown share one signature (model_cmd in
 * dispatch.c): id is their ID argument, err gets why a command failed; some use neither. */
int twc__cmd_summary(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b, char *err, size_t errlen);
int twc__cmd_tasks_list(struct twc_session *s, const struct mtask *tasks, size_t n, size_t total_hint,
                   const struct cmdopts *o, struct sbuf *b);
int twc__cmd_task(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b, char *err, size_t errlen);
int twc__cmd_resources(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b, char *err, size_t errlen);
int twc__cmd_resource(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b, char *err, size_t errlen);
int twc__cmd_deadlocks(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b, char *err, size_t errlen);
int twc__cmd_alerts(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b, char *err, size_t errlen);
int twc__cmd_why(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b, char *err, size_t errlen);
int twc__cmd_log(struct twc_session *s, size_t want, const struct cmdopts *o, struct sbuf *b);
int twc__cmd_position(struct twc_session *s, const struct cmdopts *o, struct sbuf *b, const char *note);
void twc__text_chain(struct twc_session *s, const struct model *m, const struct derived *d, struct sbuf *b,
                const struct dl_entry *c, size_t n, int global);
#endif
