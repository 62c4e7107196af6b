/* top.c — `tw top TARGET`: a live full-screen view. It only reads the region (through
 * libtwcore, a few times a second) and never stops the target; the only write is a pause or
 * resume the user asks for with `p`. Every figure shown is core's: the summary text is core's
 * rendering, the task list and the alerts banner its snapshot (twc_snapshot_take). */
#include <curses.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "tw.h"
#include "textbuf.h"

enum { COL_ID, COL_NAME, COL_STATE, COL_POLLS, COL_BUSY, COL_IDLE, NCOLS };
static const char *const col_names[NCOLS] = { "id", "name", "state", "polls", "busy", "idle" };

struct top {
    struct tw_target *t;
    struct twc_snapshot snap;    /* tasks and alerts of the moment shown */
    char *summary;
    const struct twc_task **rows;
    size_t nrows;
    int sel, scroll, sort, rev;
    char status[256];
    char as_of[64];
    /* record view: text shown instead of the list until Esc/q */
    char *text, title[128];
    int text_scroll;
};

static char *capture(struct top *tp, const char *cmd) {
    char *out = NULL, err[TW_ERRLEN];
    int st = exec_capture(tp->t, cmd, &out, err, sizeof err);
    if (st) {
        snprintf(tp->status, sizeof tp->status, "%.250s", err[0] ? err : "command failed");
        free(out);
        return NULL;
    }
    return out;
}

static int sort_col, sort_rev;
static int cmp_u64(uint64_t a, uint64_t b) { return a < b ? -1 : a > b; }
static int cmp_rows(const void *x, const void *y) {
    const struct twc_task *a = *(const struct twc_task *const *)x, *b = *(const struct twc_task *const *)y;
    int r = 0;
    switch (sort_col) {
    case COL_NAME: r = strcmp(a->name, b->name); break;
    case COL_STATE: r = strcmp(a->state, b->state); break;
    case COL_POLLS: r = -cmp_u64(a->polls, b->polls); break;   /* biggest first for counters */
    case COL_BUSY: r = -cmp_u64(a->busy_ns, b->busy_ns); break;
    case COL_IDLE: r = -cmp_u64(a->idle_ns, b->idle_ns); break;
    default: r = cmp_u64(a->id, b->id);
    }
    if (!r) r = a->id < b->id ? -1 : 1;
    return sort_rev ? -r : r;
}

static void reload(struct top *tp) {
    twc_snapshot_free(&tp->snap);
    free(tp->summary);
    char err[TW_ERRLEN];
    if (twc_snapshot_take(tp->t->s, TWC_SNAP_ALERTS, &tp->snap, err, sizeof err))
        snprintf(tp->status, sizeof tp->status, "%.250s", err);
    tp->summary = capture(tp, "summary");
    free(tp->rows);
    tp->nrows = tp->snap.ntasks;
    tp->rows = malloc((tp->nrows ? tp->nrows : 1) * sizeof *tp->rows);
    if (!tp->rows) tp->nrows = 0;
    for (size_t i = 0; i < tp->nrows; i++) tp->rows[i] = &tp->snap.tasks[i];
    sort_col = tp->sort;
    sort_rev = tp->rev;
    qsort(tp->rows, tp->nrows, sizeof *tp->rows, cmp_rows);
    if (!tp->snap.at_now) snprintf(tp->as_of, sizeof tp->as_of, "as of event %llu", (unsigned long long)tp->snap.as_of);
    else tp->as_of[0] = 0;
    if (tp->sel >= (int)tp->nrows) tp->sel = tp->nrows ? (int)tp->nrows - 1 : 0;
}

static long sel_id(struct top *tp) {
    return tp->nrows ? (long)tp->rows[tp->sel]->id : -1;
}

static void show_text(struct top *tp, const char *title, char *text) {
    free(tp->text);
    tp->text = text;
    tp->text_scroll = 0;
    snprintf(tp->title, sizeof tp->title, "%s", title);
}

static char *read_doc(const char *doc, const char *kind) {
    char paths[4][PATH_MAX];
    int n = 0;
    if (doc) snprintf(paths[n++], PATH_MAX, "%s", doc);
    if (doc) snprintf(paths[n++], PATH_MAX, "%s/../../%s", tw_self_dir(), doc);
    snprintf(paths[n++], PATH_MAX, "%s/../../docs/alerts/%s.md", tw_self_dir(), kind);
    snprintf(paths[n++], PATH_MAX, "%s/../share/doc/turbowish/alerts/%s.md", tw_self_dir(), kind);
    for (int i = 0; i < n; i++) {
        FILE *f = fopen(paths[i], "r");
        if (!f) continue;
        char *b = NULL;
        size_t l = 0, c = 0;
        char buf[4096];
        size_t k;
        while ((k = fread(buf, 1, sizeof buf - 1, f)) > 0) { buf[k] = 0; sb_add(&b, &l, &c, "%s", buf); }
        fclose(f);
        return b;
    }
    return NULL;
}

/* The problem view: each alert, the chain behind it, and its doc page. */
static void problem_view(struct top *tp) {
    char *b = NULL;
    size_t l = 0, c = 0;
    if (!tp->snap.nalerts) { snprintf(tp->status, sizeof tp->status, "no alerts"); return; }
    int shown_deadlocks = 0;
    for (size_t i = 0; i < tp->snap.nalerts; i++) {
        const struct twc_alert *a = &tp->snap.alerts[i];
        const char *kind = a->kind;
        sb_add(&b, &l, &c, "ALERT %zu: %s\n  %s\n", i + 1, kind, a->message);
        long task = a->has_task ? (long)a->task : 0;
        char cmd[64], *o = NULL;
        if (!strncmp(kind, "deadlock", 8) || !strcmp(kind, "possible_deadlock")) {
            if (!shown_deadlocks++) o = capture(tp, "deadlocks");
        } else if (task > 0) {
            snprintf(cmd, sizeof cmd, "why %ld", task);
            o = capture(tp, cmd);
        }
        if (o) { sb_add(&b, &l, &c, "\n%s\n", o); free(o); }
        char *doc = read_doc(a->doc, kind);
        sb_add(&b, &l, &c, "---- %s ----\n%s\n", a->doc, doc ? doc : "(doc page not found)\n");
        free(doc);
    }
    show_text(tp, "alerts (problem view)", b);
}

/* 1234567 ns -> "1.2ms": the same units core's text tables use */
static const char *fmt_ns(double ns, char *buf, size_t n) {
    if (ns < 1000) snprintf(buf, n, "%.0fns", ns);
    else if (ns < 1e6) snprintf(buf, n, "%.1fus", ns / 1e3);
    else if (ns < 1e9) snprintf(buf, n, "%.1fms", ns / 1e6);
    else snprintf(buf, n, "%.2fs", ns / 1e9);
    return buf;
}

static void draw_list(struct top *tp, int y0) {
    int h = LINES - y0 - 1;
    attron(A_REVERSE);
    mvprintw(y0, 0, "%-7s %-22s %-9s %-3s %10s %10s %10s  %s", "ID", "NAME", "STATE", "P", "POLLS", "BUSY", "IDLE", "AWAIT");
    clrtoeol();
    attroff(A_REVERSE);
    y0++;
    h--;
    if (tp->sel < tp->scroll) tp->scroll = tp->sel;
    if (tp->sel >= tp->scroll + h) tp->scroll = tp->sel - h + 1;
    for (int r = 0; r < h; r++) {
        int i = tp->scroll + r;
        move(y0 + r, 0);
        clrtoeol();
        if (i >= (int)tp->nrows) continue;
        const struct twc_task *t = tp->rows[i];
        char await[160] = "";
        if (t->await.file) {
            const char *slash = strrchr(t->await.file, '/');
            snprintf(await, sizeof await, "%s:%u %s", slash ? slash + 1 : t->await.file, t->await.line, t->await.expr);
        }
        char busy[24], idle[24];
        if (i == tp->sel) attron(A_REVERSE | A_BOLD);
        mvprintw(y0 + r, 0, "%-7llu %-22.22s %-9.9s %-3s %10llu %10s %10s  %.*s", (unsigned long long)t->id,
                 t->name, t->state, t->paused ? "P" : "", (unsigned long long)t->polls,
                 fmt_ns((double)t->busy_ns, busy, sizeof busy), fmt_ns((double)t->idle_ns, idle, sizeof idle),
                 COLS > 80 ? COLS - 80 : 0, await);
        if (i == tp->sel) attroff(A_REVERSE | A_BOLD);
    }
}

static void draw(struct top *tp) {
    erase();
    int y = 0;
    const char *label = tp->t->kind == TGT_PID ? "live" : tp->t->kind == TGT_CORE ? "core" : "snapshot";
    attron(A_BOLD);
    if (tp->t->kind == TGT_PID) mvprintw(y++, 0, "tw top  pid %d (%s)  %s", tp->t->pid, label, tp->as_of);
    else mvprintw(y++, 0, "tw top  %s (%s)  %s", tp->t->path, label, tp->as_of);
    attroff(A_BOLD);
    /* core's summary, first lines */
    for (const char *p = tp->summary; p && *p && y < 6;) {
        const char *nl = strchr(p, '\n');
        int k = nl ? (int)(nl - p) : (int)strlen(p);
        mvprintw(y++, 0, "%.*s", k < COLS ? k : COLS, p);
        p += k + (nl ? 1 : 0);
    }
    size_t nal = tp->snap.nalerts;
    if (nal) {
        char banner[512];
        int k = snprintf(banner, sizeof banner, " %zu ALERT%s:", nal, nal == 1 ? "" : "S");
        for (size_t i = 0; i < nal && i < 4 && k < (int)sizeof banner - 80; i++)
            k += snprintf(banner + k, sizeof banner - (size_t)k, " %s%s", tp->snap.alerts[i].kind, i + 1 < nal && i < 3 ? "," : "");
        snprintf(banner + k, sizeof banner - (size_t)k, "  (a: problem view)");
        attron(A_REVERSE | A_BOLD | COLOR_PAIR(1));
        mvprintw(y++, 0, "%-*.*s", COLS, COLS, banner);
        attroff(A_REVERSE | A_BOLD | COLOR_PAIR(1));
    }
    y++;
    if (tp->text) {
        attron(A_BOLD);
        mvprintw(y++, 0, "%s   (Esc/q back, arrows scroll)", tp->title);
        attroff(A_BOLD);
        int line = 0;
        for (const char *p = tp->text; *p && y < LINES - 1;) {
            const char *nl = strchr(p, '\n');
            int k = nl ? (int)(nl - p) : (int)strlen(p);
            if (line++ >= tp->text_scroll) mvprintw(y++, 0, "%.*s", k < COLS ? k : COLS, p);
            p += k + (nl ? 1 : 0);
        }
    } else draw_list(tp, y);
    attron(A_REVERSE);
    mvprintw(LINES - 1, 0, "%-*.*s", COLS, COLS, tp->status[0] ? tp->status :
             "j/k select  Enter task  r resource  w why  a alerts  d deadlocks  p pause  b/f/n history  s sort  g/l debug  q quit");
    attroff(A_REVERSE);
    refresh();
}

static void open_cmd(struct top *tp, const char *fmt, long id, const char *title) {
    char cmd[64], t[128];
    snprintf(cmd, sizeof cmd, fmt, id);
    snprintf(t, sizeof t, title, id);
    char *o = capture(tp, cmd);
    if (o) show_text(tp, t, o);
}

static void key_list(struct top *tp, int ch) {
    long id = sel_id(tp);
    switch (ch) {
    case KEY_UP: case 'k': if (tp->sel > 0) tp->sel--; break;
    case KEY_DOWN: case 'j': if (tp->sel + 1 < (int)tp->nrows) tp->sel++; break;
    case KEY_NPAGE: tp->sel += LINES / 2; if (tp->sel >= (int)tp->nrows) tp->sel = tp->nrows ? (int)tp->nrows - 1 : 0; break;
    case KEY_PPAGE: tp->sel -= LINES / 2; if (tp->sel < 0) tp->sel = 0; break;
    case '\n': case KEY_ENTER: if (id > 0) open_cmd(tp, "task %ld", id, "task %ld"); break;
    case 'w': if (id > 0) open_cmd(tp, "why %ld", id, "why %ld"); break;
    case 'd': open_cmd(tp, "deadlocks", 0, "deadlocks"); break;
    case 'a': problem_view(tp); break;
    case 'r': {
        const struct twc_task *t = id > 0 ? tp->rows[tp->sel] : NULL;
        long r = t && t->nwaiting_on ? (long)t->waiting_on[0] : -1;
        if (r > 0) open_cmd(tp, "resource %ld", r, "resource %ld");
        else snprintf(tp->status, sizeof tp->status, "task %ld waits on no resource", id);
        break;
    }
    case 'p': {
        if (id <= 0) break;
        int paused = tp->rows[tp->sel]->paused;
        char cmd[64], *o;
        snprintf(cmd, sizeof cmd, "%s %ld", paused ? "resume" : "pause", id);
        if ((o = capture(tp, cmd))) {
            snprintf(tp->status, sizeof tp->status, "%s requested for task %ld", paused ? "resume" : "pause", id);
            free(o);
        }
        break;
    }
    case 'b': case 'f': case 'n': {
        char *o = capture(tp, ch == 'b' ? "back 1" : ch == 'f' ? "forward 1" : "now");
        if (o) {
            snprintf(tp->status, sizeof tp->status, "%.*s", (int)strcspn(o, "\n"), o);
            free(o);
        }
        break;
    }
    case 's': tp->sort = (tp->sort + 1) % NCOLS; snprintf(tp->status, sizeof tp->status, "sorted by %s", col_names[tp->sort]); break;
    case 'S': tp->rev = !tp->rev; break;
    case 'g': case 'l':
        if (id > 0) {
            def_prog_mode();
            endwin();
            debug_task(tp->t, (uint32_t)id, ch == 'l', 0, 1);
            reset_prog_mode();
            refresh();
        }
        break;
    }
}

/* Ctrl-C is a way to leave, like q: a flag the loop sees, so the screen is restored and the
 * status is 0. No SA_RESTART, so a getch() waiting for a key returns at once. */
static volatile sig_atomic_t interrupted;
static void on_sigint(int sig) { (void)sig; interrupted = 1; }

/* Without a terminal top would draw into a pipe and never learn that nobody presses q. */
static int need_terminal(void) {
    const char *term = getenv("TERM");
    if (!isatty(0) || !isatty(1))
        return tw_err(TWC_EUSAGE, "tw top needs a terminal (stdin and stdout are not one): use tw summary or "
                      "tw tasks, or tw console for scripts");
    if (!term || !*term)
        return tw_err(TWC_EUSAGE, "tw top needs TERM set to the terminal's type (e.g. TERM=xterm-256color)");
    return 0;
}

/* ncurses' initscr() prints its own message and exits when it cannot drive the terminal;
 * newterm() lets us say why in our words and return 1. */
static SCREEN *open_screen(void) {
    const char *term = getenv("TERM");
    SCREEN *scr = newterm(NULL, stdout, stdin);
    if (!scr) tw_fail(TWC_EUSAGE, "tw top cannot drive a terminal of type '%s' (TERM): terminfo does not know it", term);
    return scr;
}

int cmd_top(const struct tw_args *a) {
    struct tw_target t;
    char err[TW_ERRLEN];
    int st = tgt_parse(a, &t, err, sizeof err);
    if (st) return tw_err(st, err);
    if ((st = need_terminal())) return st; /* before the target is even opened */
    if ((st = tgt_open(&t, 0, err, sizeof err))) return tw_err(st, err);
    struct top tp;
    memset(&tp, 0, sizeof tp);
    tp.t = &t;
    setlocale(LC_ALL, ""); /* doc pages hold UTF-8 (em dashes): let ncursesw draw them */
    SCREEN *scr = open_screen();
    if (!scr) { tgt_close(&t); return TWC_EUSAGE; }
    struct sigaction sa, old_int;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, &old_int);
    set_escdelay(25); /* ncurses waits 1 s by default to tell Esc from a key sequence */
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    if (has_colors()) { start_color(); use_default_colors(); init_pair(1, COLOR_RED, -1); }
    timeout(300); /* refresh ~3 times a second when no key comes */
    int quit = 0;
    reload(&tp);
    while (!quit && !interrupted) {
        draw(&tp);
        int ch = getch();
        if (interrupted) break;
        if (ch == ERR) {
            if (!tp.text) reload(&tp);
            continue;
        }
        if (tp.text) {
            if (ch == 27 || ch == 'q' || ch == KEY_BACKSPACE) { free(tp.text); tp.text = NULL; }
            else if (ch == KEY_DOWN || ch == 'j') tp.text_scroll++;
            else if (ch == KEY_UP || ch == 'k') { if (tp.text_scroll) tp.text_scroll--; }
            else if (ch == KEY_NPAGE || ch == ' ') tp.text_scroll += LINES / 2;
            continue;
        }
        if (ch == 'q' || ch == 27) { quit = 1; continue; }
        tp.status[0] = 0;
        key_list(&tp, ch);
        reload(&tp);
    }
    endwin();
    delscreen(scr);
    sigaction(SIGINT, &old_int, NULL);
    twc_snapshot_free(&tp.snap);
    free(tp.summary);
    free(tp.rows);
    free(tp.text);
    tgt_close(&t);
    return 0;
}
