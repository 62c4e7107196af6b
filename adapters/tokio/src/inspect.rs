//! Reads this process's own region (tests and sanity checks only: allocates, not for hot paths).
//! Mirrors include/tw_region.h; bounded by the counts the header declares.
#![allow(dead_code)]

use crate::ffi;

#[repr(C)]
#[derive(Clone, Copy)]
struct TableDesc {
    offset: u64,
    stride: u32,
    capacity: u32,
    count: u32,
    full: u32,
}

#[repr(C)]
struct Header {
    magic: [u8; 8],
    byte_order: u32,
    abi_major: u16,
    abi_minor: u16,
    header_size: u32,
    pid: i32,
    region_size: u64,
    used_size: u64,
    clock_kind: u32,
    pad0: u32,
    anchor_raw: u64,
    anchor_ns: u64,
    ns_per_raw_num: u64,
    ns_per_raw_den: u64,
    created_ns: u64,
    tasks: TableDesc,
    resources: TableDesc,
    sites: TableDesc,
    stacks: TableDesc,
    rings: TableDesc,
    arena_offset: u64,
    arena_size: u64,
    arena_used: u64,
    strings_full: u64,
    control_offset: u64,
    next_task_id: u32,
    next_res_id: u32,
    ring_events: u64,
    instr_errors: u64,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct Edge {
    res: u32,
    role: u8,
    dir: u8,
    count: u16,
}

#[repr(C)]
struct TaskRec {
    seq: u32,
    version: u32,
    id: u32,
    parent: u32,
    name: u32,
    spawn_site: u32,
    state: u8,
    paused: u8,
    wait_kind: u8,
    flags: u8,
    await_site: u32,
    waiting_on: u32,
    wakers_alive: i32,
    os_tid: u32,
    spawn_stack: u32,
    block_stack: u32,
    max_poll_us: u32,
    created_ts: u64,
    state_ts: u64,
    polls: u64,
    busy: u64,
    scheduled: u64,
    idle: u64,
    wakes: u32,
    self_wakes: u32,
    edges: [Edge; 12],
}

#[repr(C)]
struct ResRec {
    seq: u32,
    version: u32,
    id: u32,
    name: u32,
    kind: u8,
    class_: u8,
    closed: u8,
    pad: u8,
    create_site: u32,
    capacity: i64,
    available: i64,
    queued: i64,
}

#[repr(C)]
struct SiteRec {
    file: u32,
    line: u32,
    expr: u32,
    func: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Site {
    pub file: String,
    pub line: u32,
    pub expr: String,
}

#[derive(Debug, Clone)]
pub struct Task {
    pub id: u32,
    pub name: String,
    pub state: u8,
    pub paused: bool,
    pub wait_kind: u8,
    pub waiting_on: u32,
    pub await_site: Site,
    pub spawn_site: Site,
    pub polls: u64,
    pub wakes: u32,
    pub wakers_alive: i32,
    /// (resource id, role, count)
    pub edges: Vec<(u32, u8, u16)>,
}

#[derive(Debug, Clone)]
pub struct Resource {
    pub id: u32,
    pub name: String,
    pub kind: u8,
    pub closed: bool,
    pub queued: i64,
    pub create_site: Site,
}

fn header() -> Option<&'static Header> {
    let p = unsafe { std::ptr::read_volatile(&ffi::tw_region) } as *const Header;
    if p.is_null() {
        None
    } else {
        Some(unsafe { &*p })
    }
}

fn base() -> *const u8 {
    unsafe { std::ptr::read_volatile(&ffi::tw_region) as *const u8 }
}

fn string(h: &Header, off: u32) -> String {
    if off == 0 || off as u64 >= h.arena_size {
        return String::new();
    }
    let start = unsafe { base().add((h.arena_offset + off as u64) as usize) };
    let max = (h.arena_size - off as u64) as usize;
    let bytes = unsafe { std::slice::from_raw_parts(start, max.min(4096)) };
    let n = bytes.iter().position(|&c| c == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..n]).into_owned()
}

fn site(h: &Header, i: u32) -> Site {
    if i == 0 || i >= h.sites.count.min(h.sites.capacity) {
        return Site::default();
    }
    let r = unsafe { &*(base().add((h.sites.offset + i as u64 * h.sites.stride as u64) as usize) as *const SiteRec) };
    Site { file: string(h, r.file), line: r.line, expr: string(h, r.expr) }
}

/// Every task in the region (slots in use).
pub fn tasks() -> Vec<Task> {
    let h = match header() {
        Some(h) => h,
        None => return vec![],
    };
    let n = h.tasks.count.min(h.tasks.capacity);
    (0..n)
        .filter_map(|i| {
            let r = unsafe { &*(base().add((h.tasks.offset + i as u64 * h.tasks.stride as u64) as usize) as *const TaskRec) };
            if r.id == 0 {
                return None;
            }
            Some(Task {
                id: r.id,
                name: string(h, r.name),
                state: r.state,
                paused: r.paused != 0,
                wait_kind: r.wait_kind,
                waiting_on: r.waiting_on,
                await_site: site(h, r.await_site),
                spawn_site: site(h, r.spawn_site),
                polls: r.polls,
                wakes: r.wakes,
                wakers_alive: r.wakers_alive,
                edges: r.edges.iter().filter(|e| e.res != 0).map(|e| (e.res, e.role, e.count)).collect(),
            })
        })
        .collect()
}

pub fn resources() -> Vec<Resource> {
    let h = match header() {
        Some(h) => h,
        None => return vec![],
    };
    let n = h.resources.count.min(h.resources.capacity);
    (0..n)
        .filter_map(|i| {
            let r = unsafe {
                &*(base().add((h.resources.offset + i as u64 * h.resources.stride as u64) as usize) as *const ResRec)
            };
            if r.id == 0 {
                return None;
            }
            Some(Resource {
                id: r.id,
                name: string(h, r.name),
                kind: r.kind,
                closed: r.closed != 0,
                queued: r.queued,
                create_site: site(h, r.create_site),
            })
        })
        .collect()
}

/// The newest task named `name`.
pub fn task(name: &str) -> Option<Task> {
    tasks().into_iter().filter(|t| t.name == name).max_by_key(|t| t.id)
}

pub fn resource(name: &str) -> Option<Resource> {
    resources().into_iter().filter(|r| r.name == name).max_by_key(|r| r.id)
}

pub fn instr_errors() -> u64 {
    header().map_or(0, |h| h.instr_errors)
}
