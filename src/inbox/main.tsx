// The MASH inbox: a second entry of the app's Vite build, served at /inbox/.
// Not a PWA: no service worker, no storage; it needs the network, and keeps
// nothing on the reviewer's machine beyond the session cookie.
import { render } from 'preact';
import '../shared-ui/styles.css';
import './inbox.css';
import { Inbox } from './app.tsx';

render(<Inbox />, document.getElementById('inbox')!);
