//! Pause/resume requests from outside (`tw pause ID`, a debugger): a thread that sleeps on the
//! region's control futex, so a request takes effect at once even when every worker is idle.
//! It never touches a task record: it sets the task's pause flag and wakes the task, whose
//! own poll records the pause (see task.rs).
use crate::ffi;
use crate::table::{self, TF_PAUSABLE, TF_PAUSE_REQ};
use std::sync::atomic::{AtomicBool, Ordering::*};

static STARTED: AtomicBool = AtomicBool::new(false);
/// Requests for tasks that cannot be paused (spawned with plain tokio::spawn), for tests.
pub static NOT_PAUSABLE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub fn start() {
    if STARTED.swap(true, AcqRel) || !ffi::on() {
        return;
    }
    let _ = std::thread::Builder::new().name("tw-control".into()).spawn(run);
}

fn run() {
    let f = unsafe { ffi::tw_control_futex() };
    if f.is_null() {
        return;
    }
    loop {
        let gen = unsafe { std::ptr::read_volatile(f) };
        let (mut id, mut op) = (0u32, 0i32);
        while unsafe { ffi::tw_control_take(&mut id, &mut op) } == 1 {
            apply(id, op);
        }
        let ts = libc::timespec { tv_sec: 1, tv_nsec: 0 };
        unsafe {
            libc::syscall(libc::SYS_futex, f, libc::FUTEX_WAIT, gen, &ts as *const libc::timespec, 0usize, 0u32);
        }
    }
}

/// Applies one request (also used by tests).
pub fn apply(id: u32, op: i32) -> bool {
    let h = unsafe { ffi::tw_task_by_id(id) };
    let i = match table::find_task(h) {
        Some(i) if h != 0 => i,
        _ => return false,
    };
    let s = table::slot(i);
    if s.mode.load(Acquire) & TF_PAUSABLE == 0 {
        NOT_PAUSABLE.fetch_add(1, Relaxed);
        return false;
    }
    match op {
        ffi::CTL_PAUSE => s.mode.fetch_or(TF_PAUSE_REQ, AcqRel),
        ffi::CTL_RESUME => s.mode.fetch_and(!TF_PAUSE_REQ, AcqRel),
        _ => return false,
    };
    let w = s.waker.swap(std::ptr::null_mut(), AcqRel);
    if !w.is_null() {
        // SAFETY: task.rs stores only Box::into_raw'd wakers
        unsafe { Box::from_raw(w) }.wake();
    }
    true
}
