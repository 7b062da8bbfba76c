// Whether a socket path is a Windows named pipe (\\.\pipe\…, also \\?\ and forward slashes):
// no file, no folder, no mode; an access list instead (src/agent/socket/endpoint.ts). One test
// for every place that treats pipes apart (socket paths, the client's owner check, the server).
export const isPipe = (path: string): boolean => /^[\\/]{2}[.?][\\/]pipe[\\/]/i.test(path);
