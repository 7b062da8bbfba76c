// uid → user name (the `owner` of file events: the owner the file system records, never the
// actor). Linux reads /etc/passwd; other OSes report numeric owners until an adapter exists.
export interface UserDirectory {
  /** The account name of uid, or undefined when the OS does not know it. */
  nameOf(uid: number): string | undefined;
}
