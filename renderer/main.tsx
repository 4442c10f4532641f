import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createHost } from './host/host';
import { controller } from './state/controller';
import { runCommand } from './commands';
import { offerRecovery } from './components/RecoveryDialog';
import { currentHot } from './grid/SheetGrid';
import { useUi } from './state/store';
import { perf } from './perf';
import { installLayoutPrefs } from './state/layout-prefs';
import './styles.css';

async function start(): Promise<void> {
  perf.phase('script-start');
  const host = await createHost();
  controller.host = host;
  host.onMenuCommand((cmd, arg) => void runCommand(cmd, arg));
  installLayoutPrefs();
  // no StrictMode: it builds the grid twice and the first instance is destroyed (STACK-NOTES)
  createRoot(document.getElementById('root')!).render(<App />);
  try {
    const file = await host.openInitial();
    perf.phase('fetched');
    if (file) await controller.open(file);
    else useUi.setState({ status: 'empty' });
  } catch (e) {
    useUi.setState({ status: 'error', loadError: (e as Error).message });
  }
  // after the initial packet, so that 恢复 replaces a packet that is fully open
  await offerRecovery();
}

// handles for the e2e tests and the benchmark (values of rows off screen have no DOM), only in the build they
// run (vite.config.ts __JUESUAN_TEST_HANDLES__): the app as shipped does not hand its controller to the page
declare global {
  interface Window {
    __juesuan?: { controller: typeof controller; hot: typeof currentHot; ui: typeof useUi };
  }
}
if (__JUESUAN_TEST_HANDLES__) window.__juesuan = { controller, hot: currentHot, ui: useUi };

void start();
