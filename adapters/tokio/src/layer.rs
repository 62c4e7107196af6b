//! The tracing layer: tokio's own instrumentation (built with `--cfg tokio_unstable` and the
//! `tracing` feature) turned into TurboWish events.
//!
//! | tokio emits | TurboWish records |
//! |---|---|
//! | span `runtime.spawn` (kind, task.name, task.id, loc.file, loc.line) | a task: name, spawn site `file.rs:line`, parent, attribute `tokio.id` |
//! | enter / exit of that span (one per poll) | poll begin / poll end |
//! | close of that span (the future is dropped) | task done |
//! | event `tokio::task::waker` op=waker.clone/drop/wake/wake_by_ref | waker clone / drop, wake (by the task polling on this thread) |
//! | span `runtime.resource` (Mutex, RwLock, Semaphore, Barrier, oneshot) | a resource named `Type file.rs:line` |
//! | span `runtime.resource` Sleep / Interval | nothing (waits on it are timer waits) |
//! | event `runtime::resource::poll_op` is_ready=false | the task waits on the resource (ACQUIRE for locks, SIGNAL where holders are unknown, TIMER for sleeps) |
//! | event `runtime::resource::state_update` locked / write_locked / current_readers | acquire / release by the current task |
//!
//! Hot path (enter, exit, waker events): a TLS load, one lookup in a fixed table (one cache
//! line of keys), and the shim call. No allocation, no lock, no formatting.
use crate::current::{self, TL};
use crate::ffi::{self, CBuf, TwTask};
use crate::table::{self, *};
use std::fmt::Write as _;
use std::sync::atomic::Ordering::*;
use tracing_core::field::{Field, Visit};
use tracing_core::span::{Attributes, Id};
use tracing_core::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// The TurboWish layer. Build it with [`crate::layer()`].
#[derive(Debug, Default, Clone, Copy)]
pub struct TurboWishLayer {
    _priv: (),
}

impl TurboWishLayer {
    pub const fn new() -> Self {
        TurboWishLayer { _priv: () }
    }
}

const TAG_SPAWN: u64 = 1 << 32;
const TAG_CREATE: u64 = 2 << 32;
const TAG_RES_WAIT: u64 = 3 << 32;

pub(crate) fn register_site(file: &CBuf<256>, line: u32, expr: &str, func: &str) -> u32 {
    if !ffi::on() {
        return 0;
    }
    let e = CBuf::<96>::from_str(expr);
    let f = CBuf::<64>::from_str(func);
    unsafe { ffi::tw__site_register(file.as_ptr(), line, e.as_ptr(), f.as_ptr()) }
}

fn unknown_site() -> u32 {
    static K: u8 = 0;
    table::site(&K as *const u8 as u64, 0, || {
        register_site(&CBuf::from_str("?"), 0, "unknown wait (I/O, join, timer or uninstrumented)", "")
    })
}

#[derive(Default)]
struct SpawnVisit {
    kind: CBuf<16>,
    name: CBuf<64>,
    tokio_id: u64,
    file: CBuf<256>,
    file_key: u64,
    line: u32,
    /// blocking tasks: "file:line:col" in one field
    location: CBuf<256>,
}

impl Visit for SpawnVisit {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "spawn.location" => {
                let _ = write!(self.location, "{:?}", value);
            }
            "kind" => {
                let _ = write!(self.kind, "{:?}", value);
            }
            "task.name" => {
                let _ = write!(self.name, "{:?}", value);
            }
            _ => {}
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "loc.file" {
            self.file = CBuf::from_str(value);
            self.file_key = value.as_ptr() as u64;
        }
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "task.id" => self.tokio_id = value,
            "loc.line" => self.line = value as u32,
            _ => {}
        }
    }
}

impl<const N: usize> Default for CBuf<N> {
    fn default() -> Self {
        CBuf::new()
    }
}

#[derive(Default)]
struct ResVisit {
    concrete: CBuf<32>,
    file: CBuf<256>,
    file_key: u64,
    line: u32,
    internal: bool,
}

impl Visit for ResVisit {
    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "concrete_type" => self.concrete = CBuf::from_str(value),
            "loc.file" => {
                self.file = CBuf::from_str(value);
                self.file_key = value.as_ptr() as u64;
            }
            _ => {}
        }
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "loc.line" {
            self.line = value as u32;
        }
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        if field.name() == "is_internal" {
            self.internal = value;
        }
    }
}

#[derive(Default)]
struct WakerVisit {
    op: u8, // 1 clone, 2 drop, 3 wake, 4 wake_by_ref
    span: u64,
}

impl Visit for WakerVisit {
    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "op" {
            self.op = match value {
                "waker.clone" => 1,
                "waker.drop" => 2,
                "waker.wake" => 3,
                "waker.wake_by_ref" => 4,
                _ => 0,
            };
        }
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "task.id" {
            self.span = value;
        }
    }
}

#[derive(Default)]
struct StateVisit {
    ready: Option<bool>,
    locked: Option<bool>,
    write_locked: Option<bool>,
    readers: Option<u64>,
    readers_op: u8, // 1 add, 2 sub
}

impl Visit for StateVisit {
    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
    fn record_bool(&mut self, field: &Field, value: bool) {
        match field.name() {
            "is_ready" => self.ready = Some(value),
            "locked" => self.locked = Some(value),
            "write_locked" => self.write_locked = Some(value),
            _ => {}
        }
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "current_readers" {
            self.readers = Some(value);
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        if field.name() == "current_readers" {
            self.readers = Some(value as u64);
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "current_readers.op" {
            self.readers_op = match value {
                "add" => 1,
                "sub" => 2,
                _ => 0,
            };
        }
    }
}

fn fnv(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &c| (h ^ c as u64).wrapping_mul(0x100_0000_01b3))
}

/// A location inside tokio's own runtime (its worker threads, its shutdown channel).
fn is_tokio_runtime(file: &[u8]) -> bool {
    let has = |pat: &[u8]| file.windows(pat.len()).any(|w| w == pat);
    has(b"tokio") && has(b"/src/runtime/")
}

fn spawn_expr(kind: &[u8]) -> &'static str {
    match kind {
        b"block_on" => "block_on",
        b"local" => "spawn_local",
        b"blocking" => "spawn_blocking",
        _ => "tokio::spawn",
    }
}

impl TurboWishLayer {
    fn new_task(&self, attrs: &Attributes<'_>, id: &Id) {
        let mut v = SpawnVisit::default();
        attrs.record(&mut v);
        if v.file_key == 0 && !v.location.is_empty() {
            // spawn_blocking says "file:line:col": no static pointer, key the site by a hash
            let loc = std::str::from_utf8(v.location.as_bytes()).unwrap_or("");
            let mut parts = loc.rsplitn(3, ':');
            let _col = parts.next();
            let line = parts.next().and_then(|l| l.parse::<u32>().ok()).unwrap_or(0);
            let file = parts.next().unwrap_or("");
            v.file = CBuf::from_str(file);
            v.line = line;
            v.file_key = fnv(file.as_bytes()) | 1;
        }
        if v.kind.as_bytes() == b"blocking" && is_tokio_runtime(v.file.as_bytes()) {
            // the runtime's own worker threads, not tasks anyone wrote
            return;
        }
        let file = &v.file;
        let line = v.line;
        let expr = spawn_expr(v.kind.as_bytes());
        let site = if v.file_key != 0 {
            table::site(v.file_key, TAG_SPAWN | line as u64, || register_site(file, line, expr, ""))
        } else {
            0
        };
        let mut name = CBuf::<96>::new();
        if !v.name.is_empty() {
            name.push_tail(std::str::from_utf8(v.name.as_bytes()).unwrap_or("?"));
        } else {
            // an unnamed task is called after where it was spawned: "task@main.rs:42"
            let kind = std::str::from_utf8(v.kind.as_bytes()).unwrap_or("task");
            name.push_tail(if kind.is_empty() { "task" } else { kind });
            name.push_tail("@");
            name.push_tail(ffi::basename(std::str::from_utf8(v.file.as_bytes()).unwrap_or("?")));
            name.push_tail(":");
            name.push_u64(line as u64);
        }
        let parent = current::task_handle();
        let t = unsafe { ffi::tw__task_spawn(name.as_ptr(), site, parent) };
        if t == 0 {
            return;
        }
        let mut tid = CBuf::<24>::new();
        tid.push_u64(v.tokio_id);
        unsafe { ffi::tw__attr(t, b"tokio.id\0".as_ptr() as *const _, tid.as_ptr()) };
        let key = id.into_u64();
        if let Some(i) = table::claim(key) {
            let s = table::slot(i);
            s.handle.store(t, Relaxed);
            s.site.store(site, Relaxed);
            s.kind.store(KIND_TASK, Relaxed);
            table::publish(i, key);
        }
    }

    fn new_resource(&self, attrs: &Attributes<'_>, id: &Id) {
        let key = id.into_u64();
        let mut v = ResVisit::default();
        attrs.record(&mut v);
        let (kind, handle, mode, site) = if current::is_suppressed() {
            (KIND_IGNORE, 0, MODE_NONE, 0)
        } else if v.internal {
            // the semaphore inside a Mutex/RwLock/Semaphore is created inside its parent's
            // span: it is the same resource
            match current::current_res() {
                Some(p) if attrs.is_contextual() => {
                    let ps = table::slot(p);
                    (KIND_ALIAS, ps.handle.load(Relaxed), ps.mode.load(Relaxed), ps.site.load(Relaxed))
                }
                _ => (KIND_IGNORE, 0, MODE_NONE, 0),
            }
        } else {
            let ty = std::str::from_utf8(v.concrete.as_bytes()).unwrap_or("?");
            let internal_rt = is_tokio_runtime(v.file.as_bytes());
            let (rk, class, cap, mode) = match ty {
                "Mutex" => (ffi::RES_MUTEX, ffi::CLASS_REUSABLE, 1, MODE_ACQUIRE),
                "RwLock" => (ffi::RES_RWLOCK, ffi::CLASS_REUSABLE, 1, MODE_ACQUIRE),
                "Semaphore" => (ffi::RES_SEMAPHORE, ffi::CLASS_REUSABLE, -1, MODE_SIGNAL),
                "Barrier" => (ffi::RES_BARRIER, ffi::CLASS_CONSUMABLE, -1, MODE_SIGNAL),
                "Sender|Receiver" => (ffi::RES_ONESHOT, ffi::CLASS_CONSUMABLE, 1, MODE_SIGNAL),
                "Sleep" | "Interval" => (0, 0, 0, MODE_TIMER),
                _ => (ffi::RES_OTHER, ffi::CLASS_CONSUMABLE, -1, MODE_SIGNAL),
            };
            if mode == MODE_TIMER {
                (KIND_TIMER, 0, MODE_TIMER, 0)
            } else if !ffi::on() || internal_rt {
                (KIND_IGNORE, 0, MODE_NONE, 0)
            } else {
                let file = &v.file;
                let line = v.line;
                let (csite, wsite) = if v.file_key != 0 {
                    let mut expr = CBuf::<64>::new();
                    expr.push_tail(ty);
                    expr.push_tail("::new");
                    let e = std::str::from_utf8(expr.as_bytes()).unwrap_or("new");
                    let c = table::site(v.file_key, TAG_CREATE | line as u64, || register_site(file, line, e, ""));
                    // tokio does not say where a lock is awaited: the wait is shown at the
                    // line that created it (the drop-in wrappers record the await line)
                    let mut wexpr = CBuf::<96>::new();
                    wexpr.push_tail(ty);
                    wexpr.push_tail(" wait (await line unknown; created here)");
                    let we = std::str::from_utf8(wexpr.as_bytes()).unwrap_or("wait");
                    let w = table::site(v.file_key, TAG_RES_WAIT | line as u64, || register_site(file, line, we, ""));
                    (c, w)
                } else {
                    (0, 0)
                };
                let mut name = CBuf::<96>::new();
                name.push_tail(ty);
                if v.file_key != 0 {
                    name.push_tail(" ");
                    name.push_tail(ffi::basename(std::str::from_utf8(v.file.as_bytes()).unwrap_or("?")));
                    name.push_tail(":");
                    name.push_u64(line as u64);
                }
                let h = unsafe { ffi::tw__res_create(rk, class, cap, name.as_ptr(), csite, key) };
                if h == 0 {
                    (KIND_IGNORE, 0, MODE_NONE, 0)
                } else {
                    (KIND_RES, h, mode, wsite)
                }
            }
        };
        if let Some(i) = table::claim(key) {
            let s = table::slot(i);
            s.handle.store(handle, Relaxed);
            s.mode.store(mode, Relaxed);
            s.site.store(site, Relaxed);
            s.kind.store(kind, Relaxed);
            table::publish(i, key);
        } else if kind == KIND_RES {
            unsafe { ffi::tw__res_close(handle) };
        }
    }

    #[inline]
    fn enter_task(&self, key: u64, i: usize, s: &Slot) {
        let t = s.handle.load(Relaxed);
        let _ = TL.try_with(|tl| {
            tl.outer.set((tl.task.get(), tl.slot.get(), tl.span.get()));
            tl.task.set(t);
            tl.slot.set(i + 1);
            tl.span.set(key);
            tl.asserted.set(false);
            tl.woken.set(false);
        });
        if !ffi::on() {
            return;
        }
        if s.inbox_n.load(Relaxed) != 0 {
            drain_inbox(t, s);
        }
        unsafe { ffi::tw__poll_begin(t) };
    }

    #[inline]
    fn exit_task(&self, tl: &current::Tl) {
        let t = tl.task.get();
        let s = table::slot(tl.slot.get() - 1);
        if ffi::on() {
            if !tl.asserted.get() {
                let w = s.wait.load(Relaxed);
                if !tl.woken.get() {
                    if w != current::UNKNOWN_WAIT {
                        s.wait.store(current::UNKNOWN_WAIT, Relaxed);
                        unsafe { ffi::tw__await_begin(t, unknown_site(), ffi::WAIT_IO, 0, 0) };
                    }
                } else if w != 0 {
                    s.wait.store(0, Relaxed);
                    unsafe { ffi::tw__await_end(t) };
                }
            }
            unsafe { ffi::tw__poll_end(t, ffi::POLL_PENDING) };
        }
        let (ot, os, osp) = tl.outer.get();
        tl.task.set(ot);
        tl.slot.set(os);
        tl.span.set(osp);
        tl.outer.set((0, 0, 0));
        tl.asserted.set(false);
    }

    fn on_waker(&self, event: &Event<'_>) {
        let mut v = WakerVisit::default();
        event.record(&mut v);
        let i = match table::lookup(v.span) {
            Some(i) => i,
            None => return,
        };
        let s = table::slot(i);
        if s.kind.load(Relaxed) != KIND_TASK || !ffi::on() {
            return;
        }
        let t = s.handle.load(Relaxed);
        unsafe {
            match v.op {
                1 => ffi::tw__waker(t, ffi::EV_WAKER_CLONE, 0),
                2 => ffi::tw__waker(t, ffi::EV_WAKER_DROP, 0),
                3 | 4 => {
                    let by = TL.try_with(|tl| {
                        let cur = tl.task.get();
                        if cur == t && cur != 0 {
                            tl.woken.set(true);
                        }
                        cur
                    });
                    ffi::tw__wake(t, by.unwrap_or(0));
                    if v.op == 3 {
                        ffi::tw__waker(t, ffi::EV_WAKER_DROP, 0);
                    }
                }
                _ => {}
            }
        }
    }

    fn on_resource_event(&self, event: &Event<'_>, poll_op: bool) {
        let ri = match current::current_res() {
            Some(i) => i,
            None => return,
        };
        let (t, ts) = match current::task() {
            Some(x) => x,
            None => return,
        };
        let rs = table::slot(ri);
        let mut v = StateVisit::default();
        event.record(&mut v);
        let h = rs.handle.load(Relaxed);
        if poll_op {
            if v.ready == Some(false) {
                match rs.mode.load(Relaxed) {
                    MODE_ACQUIRE => current::assert_wait(ffi::EV_ACQUIRE_REQ, h, rs.site.load(Relaxed)),
                    MODE_SIGNAL => current::assert_wait(current::AWAIT + ffi::WAIT_SIGNAL, h, rs.site.load(Relaxed)),
                    MODE_TIMER => current::assert_wait(current::AWAIT + ffi::WAIT_TIMER, 0, 0),
                    _ => {}
                }
            }
            return;
        }
        if h == 0 || !ffi::on() {
            return;
        }
        // Mutex `locked`, RwLock `write_locked`: an exclusive hold. The initial `false` at
        // creation (nothing held) is not a release.
        if let Some(l) = v.locked.or(v.write_locked) {
            if l {
                rs.held.fetch_add(1, Relaxed);
                unsafe { ffi::tw__res_event(t, h, ffi::EV_ACQUIRE, 1, 0) };
                current::wait_cleared(ts);
            } else if rs.held.load(Relaxed) > 0 {
                rs.held.fetch_sub(1, Relaxed);
                unsafe { ffi::tw__res_event(t, h, ffi::EV_RELEASE, 1, 0) };
            }
        } else if v.readers.is_some() {
            match v.readers_op {
                1 => {
                    rs.readers.fetch_add(1, Relaxed);
                    unsafe { ffi::tw__res_event(t, h, ffi::EV_ACQUIRE, -1, 0) };
                    current::wait_cleared(ts);
                }
                2 if rs.readers.load(Relaxed) > 0 => {
                    rs.readers.fetch_sub(1, Relaxed);
                    unsafe { ffi::tw__res_event(t, h, ffi::EV_RELEASE, -1, 0) };
                }
                _ => {}
            }
        }
    }
}

/// Applies the handle drops and releases other threads posted for task `t` (sync/credit.rs).
fn drain_inbox(t: TwTask, s: &Slot) {
    s.inbox_n.store(0, Relaxed);
    for k in 0..INBOX / 2 {
        let role = s.inbox[2 * k + 1].load(Acquire);
        if role == 0 {
            continue;
        }
        let r = s.inbox[2 * k].load(Relaxed);
        let (ev, arg) = ((role >> 8) as i32, (role & 0xff) as i32);
        unsafe {
            if ev == ffi::EV_RELEASE {
                ffi::tw__res_event(t, r, ev, arg as i64, 0)
            } else {
                ffi::tw__edge(t, r, ev, arg, 0)
            }
        };
        s.inbox[2 * k + 1].store(0, Relaxed);
        s.inbox[2 * k].store(0, Release);
    }
}

impl<S: Subscriber> Layer<S> for TurboWishLayer {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _ctx: Context<'_, S>) {
        match attrs.metadata().name() {
            "runtime.spawn" => {
                if ffi::on() {
                    self.new_task(attrs, id)
                }
            }
            "runtime.resource" => self.new_resource(attrs, id),
            _ => {}
        }
    }

    #[inline]
    fn on_enter(&self, id: &Id, _ctx: Context<'_, S>) {
        let key = id.into_u64();
        let i = match table::lookup(key) {
            Some(i) => i,
            None => return,
        };
        let s = table::slot(i);
        match s.kind.load(Relaxed) {
            KIND_TASK => self.enter_task(key, i, s),
            KIND_RES | KIND_ALIAS | KIND_IGNORE | KIND_TIMER => {
                let val = if s.kind.load(Relaxed) == KIND_IGNORE { 0 } else { i + 1 };
                let _ = TL.try_with(|tl| {
                    let d = tl.res_depth.get();
                    if d < current::RES_STACK {
                        tl.res[d].set(val);
                        tl.res_span[d].set(key);
                    }
                    tl.res_depth.set(d + 1);
                });
            }
            _ => {}
        }
    }

    #[inline]
    fn on_exit(&self, id: &Id, _ctx: Context<'_, S>) {
        let key = id.into_u64();
        let _ = TL.try_with(|tl| {
            if tl.slot.get() != 0 && tl.span.get() == key {
                self.exit_task(tl);
                return;
            }
            let d = tl.res_depth.get();
            if d > 0 && (d > current::RES_STACK || tl.res_span[d - 1].get() == key) {
                tl.res_depth.set(d - 1);
            }
        });
    }

    fn on_close(&self, id: Id, _ctx: Context<'_, S>) {
        let key = id.into_u64();
        let i = match table::lookup(key) {
            Some(i) => i,
            None => return,
        };
        let s = table::slot(i);
        let h = s.handle.load(Relaxed);
        match s.kind.load(Relaxed) {
            KIND_TASK => {
                if ffi::on() {
                    unsafe { ffi::tw__task_done(h, 0) };
                }
            }
            KIND_RES => {
                if ffi::on() {
                    unsafe { ffi::tw__res_close(h) };
                }
            }
            _ => {}
        }
        table::remove(i);
    }

    #[inline]
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        match event.metadata().target() {
            "tokio::task::waker" => self.on_waker(event),
            "runtime::resource::poll_op" => self.on_resource_event(event, true),
            "runtime::resource::state_update" => self.on_resource_event(event, false),
            _ => {}
        }
    }
}
