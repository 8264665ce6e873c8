// The browser's time zone, asked once per circuit by BrowserTimeZone.cs: the IANA id (when the browser knows it)
// and the current offset from UTC in minutes east, the fallback when the server does not know the id.
export function timeZone() {
    let id = null;
    try {
        id = Intl.DateTimeFormat().resolvedOptions().timeZone || null;
    } catch {
        id = null;
    }
    return { id, offsetMinutes: -new Date().getTimezoneOffset() };
}
