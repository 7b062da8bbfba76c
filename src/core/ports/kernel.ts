// Kernel limits the folder layer plans by (Linux: /proc/sys/fs/inotify/*). Undefined when the
// OS has no such limit or the value cannot be read (a read-only or missing /proc).
export interface KernelLimits {
  /** /proc/sys/fs/inotify/max_queued_events. */
  maxQueuedEvents(): number | undefined;
  /** The smaller of max_user_watches and this user namespace's max_inotify_watches. */
  maxUserWatches(): number | undefined;
}
