#!/usr/bin/python3
"""A small WebKitGTK browser for WebKitWebDriver, with a profile that lasts.

MiniBrowser under automation keeps its data in an ephemeral session, so a
restarted browser forgets every record; this one keeps IndexedDB, local
storage and service workers in --profile DIR, as Safari on an iPad would.
Console messages (the page's and the service worker's) go to DIR/console.log,
which the test driver reads: an error there fails the run.

WebKitWebDriver starts it (capability webkitgtk:browserOptions, binary
/usr/bin/python3 with this file and its arguments) with WEBKIT_INSPECTOR_SERVER
set; it needs Debian's gir1.2-webkit2-4.1 and python3-gi, and a display
(xvfb-run).
"""
import os
import sys
import tty

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import GLib, Gtk, WebKit2  # noqa: E402


def main() -> None:
    args = sys.argv[1:]
    profile = args[args.index("--profile") + 1] if "--profile" in args else None
    user_agent = args[args.index("--user-agent") + 1] if "--user-agent" in args else None
    if not profile:
        sys.exit("webkit-browser: --profile DIR is required")
    os.makedirs(profile, exist_ok=True)
    # Before any web process starts: they inherit this stdout and stderr, where WebKit writes console messages.
    # A terminal, not a file, so each line comes as it is written (a file's output waits in a buffer
    # until the process ends); a watch copies it to DIR/console.log.
    log = os.open(os.path.join(profile, "console.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    master, slave = os.openpty()
    tty.setraw(slave)
    os.dup2(slave, 1)
    os.dup2(slave, 2)

    def copy(fd, _condition) -> bool:
        try:
            data = os.read(fd, 65536)
        except OSError:
            return False
        if data:
            os.write(log, data)
        return bool(data)

    GLib.io_add_watch(master, GLib.PRIORITY_DEFAULT, GLib.IO_IN | GLib.IO_HUP, copy)

    manager = WebKit2.WebsiteDataManager(
        base_data_directory=os.path.join(profile, "data"),
        base_cache_directory=os.path.join(profile, "cache"),
    )
    context = WebKit2.WebContext(website_data_manager=manager)
    context.set_automation_allowed(True)
    settings = WebKit2.Settings()
    settings.set_property("enable-write-console-messages-to-stdout", True)
    settings.set_property("enable-developer-extras", True)
    if user_agent:
        settings.set_property("user-agent", user_agent)
    windows: list = []

    def closed(window) -> None:
        if window in windows:
            windows.remove(window)
        if not windows:
            Gtk.main_quit()

    def create_view(_session):
        view = WebKit2.WebView(web_context=context, settings=settings, is_controlled_by_automation=True)
        window = Gtk.Window()
        window.set_default_size(390, 844)
        window.add(view)
        window.connect("destroy", closed)
        view.connect("close", lambda _v: window.destroy())
        windows.append(window)
        window.show_all()
        return view

    def automation_started(_context, session) -> None:
        info = WebKit2.ApplicationInfo()
        info.set_name("cse-webkit")
        info.set_version(WebKit2.get_major_version(), WebKit2.get_minor_version(), WebKit2.get_micro_version())
        session.set_application_info(info)
        session.connect("create-web-view", create_view)

    context.connect("automation-started", automation_started)
    Gtk.main()


if __name__ == "__main__":
    main()
