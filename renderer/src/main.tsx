import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { connect } from './api/connect.js';
import { App } from './components/app.js';
import { AppContext, createAppStore } from './store/app-store.js';
import type { AppStore } from './store/app-store.js';
import './styles.css';

// zod compiles parsers with `new Function` unless told not to; the page runs under `script-src 'self'`.
z.config({ jitless: true });

let store: AppStore | null = null;
const connection = connect({
  onStatus: (status) => store?.getState().setConnection(status),
  onReconnected: () => {
    // Events sent while we were away are lost; read the state again.
    void store?.getState().loadProjects();
    void store?.getState().refreshJobs();
    // Labels that could not be sent while it was away, and (if the engine was away when the page
    // opened) those an earlier page left unsaved.
    void store?.getState().restoreUnsavedLabels();
    store?.getState().retryFailedLabels();
  },
});
store = createAppStore(connection);
const state = store.getState();
state.setConnection(window.orchard ? 'open' : 'connecting');
connection.api.on('job.progress', (payload) => store?.getState().onJobProgress(payload));
connection.api.on('job.finished', ({ job }) => {
  store?.getState().onJobFinished(job);
  store?.getState().onTrainingJobFinished(job);
});
connection.api.on('job.progress', (payload) => store?.getState().onTrainingJobProgress(payload));
connection.api.on('run.epoch', (payload) => store?.getState().onRunEpoch(payload));
void state.loadProjects();
void state.restoreUnsavedLabels();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element.');
createRoot(container).render(
  <StrictMode>
    <AppContext.Provider value={{ store, deps: connection }}>
      <App />
    </AppContext.Provider>
  </StrictMode>,
);
