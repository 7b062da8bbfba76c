// A fake of the parts of Electron the tray's main process uses (as Electron Fiddle tests its
// main process): objects that record what was asked of them and let a test fire the events
// Electron would. The fake itself is not checked against electron.d.ts (it is cast to the
// module's type); src/main is, so a call the real Electron does not have fails to compile
// there (tsconfig.electron.json).
import { EventEmitter } from 'node:events';
import type * as electron from 'electron';

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  openHandler: ((d: { url: string }) => { action: string }) | null = null;
  reloads = 0;
  reload() {
    this.reloads++;
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
    this.openHandler = h;
  }
  /** Fires `name` as Electron would; true when a listener called preventDefault(). */
  fire(name: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(name, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

export class FakeWindow extends EventEmitter {
  static all: FakeWindow[] = [];
  shown = false;
  focused = 0;
  minimized = false;
  readonly webContents = new FakeWebContents();
  bounds: electron.Rectangle;
  urls: string[] = [];
  ignoreMouse = false;
  onTop: string | null = null;
  shownInactive = false;
  destroyed = false;
  constructor(readonly options: electron.BrowserWindowConstructorOptions) {
    super();
    const { x = 0, y = 0, width = 800, height = 600 } = options;
    this.bounds = { x, y, width, height };
    FakeWindow.all.push(this);
  }
  loadURL(url: string) {
    this.urls.push(url);
    return Promise.resolve();
  }
  setIgnoreMouseEvents(v: boolean) {
    this.ignoreMouse = v;
  }
  setAlwaysOnTop(v: boolean, level?: string) {
    this.onTop = v ? (level ?? 'floating') : null;
  }
  setVisibleOnAllWorkspaces() {}
  showInactive() {
    this.shownInactive = true;
  }
  getBounds() {
    return { ...this.bounds };
  }
  setBounds(b: electron.Rectangle) {
    this.bounds = { ...b };
  }
  destroy() {
    this.destroyed = true;
    this.emit('closed');
  }
  /** The person closes it: Electron destroys a window closed without preventDefault. */
  close() {
    this.destroy();
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.minimized = false;
  }
  focus() {
    this.focused++;
  }
  show() {
    this.shown = true;
  }
}

export class FakeTray {
  static all: FakeTray[] = [];
  image: string;
  tip = '';
  menu: electron.MenuItemConstructorOptions[] = [];
  destroyed = false;
  constructor(image: string) {
    this.image = image;
    FakeTray.all.push(this);
  }
  setImage(i: string) {
    this.image = i;
  }
  setToolTip(s: string) {
    this.tip = s;
  }
  setContextMenu(m: { items: electron.MenuItemConstructorOptions[] }) {
    this.menu = m.items;
  }
  destroy() {
    this.destroyed = true;
  }
  /** The labels of the menu, flattened, with (off) for disabled items. */
  labels(items = this.menu): string[] {
    return items.flatMap((i) =>
      i.type === 'separator'
        ? []
        : Array.isArray(i.submenu)
          ? [String(i.label), ...this.labels(i.submenu as electron.MenuItemConstructorOptions[])]
          : [`${i.label}${i.enabled === false ? ' (off)' : ''}`],
    );
  }
  click(label: string, items = this.menu): boolean {
    for (const i of items) {
      if (i.label === label && i.click) {
        (i.click as () => void)();
        return true;
      }
      if (Array.isArray(i.submenu) && this.click(label, i.submenu as never)) return true;
    }
    return false;
  }
}

export interface FakeElectron {
  module: typeof electron;
  app: EventEmitter & { quits: number };
  ipcHandlers: Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>;
  notifications: { title: string; body: string }[];
  permissionAnswers: boolean[];
  permissionRequest: (permission: string) => boolean;
  permissionCheck: () => boolean;
  powerMonitor: EventEmitter & { idleSeconds: number };
  screen: EventEmitter & { displays: { id: number; bounds: electron.Rectangle }[] };
}

export function fakeElectron(): FakeElectron {
  FakeWindow.all = [];
  FakeTray.all = [];
  const app = Object.assign(new EventEmitter(), {
    quits: 0,
    quit() {
      app.quits += 1;
    },
  });
  const ipcHandlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
  const notifications: { title: string; body: string }[] = [];
  let requestHandler: (wc: unknown, p: string, cb: (ok: boolean) => void) => void = () => {};
  let checkHandler: () => boolean = () => true;
  const permissionAnswers: boolean[] = [];
  const powerMonitor = Object.assign(new EventEmitter(), {
    idleSeconds: 0,
    getSystemIdleTime: () => powerMonitor.idleSeconds,
  });
  const screen = Object.assign(new EventEmitter(), {
    displays: [{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } }],
    getAllDisplays: () => screen.displays.map((d) => ({ ...d, bounds: { ...d.bounds } })),
  });
  class Notification {
    static isSupported = () => true;
    constructor(private readonly o: { title: string; body: string }) {}
    show() {
      notifications.push({ title: this.o.title, body: this.o.body });
    }
  }
  const module = {
    app,
    Tray: FakeTray,
    BrowserWindow: FakeWindow,
    Notification,
    Menu: { buildFromTemplate: (items: unknown[]) => ({ items }) },
    ipcMain: {
      handle: (c: string, h: (event: unknown, ...args: unknown[]) => Promise<unknown>) =>
        ipcHandlers.set(c, h),
      removeHandler: (c: string) => ipcHandlers.delete(c),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: typeof requestHandler) => {
          requestHandler = h;
        },
        setPermissionCheckHandler: (h: () => boolean) => {
          checkHandler = h;
        },
      },
    },
    powerMonitor,
    screen,
  };
  return {
    module: module as unknown as typeof electron,
    app,
    ipcHandlers,
    notifications,
    permissionAnswers,
    permissionRequest: (p) => {
      let answer = true;
      requestHandler({}, p, (ok) => {
        answer = ok;
      });
      permissionAnswers.push(answer);
      return answer;
    },
    permissionCheck: () => checkHandler(),
    powerMonitor,
    screen,
  };
}
