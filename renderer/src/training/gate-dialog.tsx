import { useState } from 'react';
import { useApp } from '../store/app-store.js';

/** The validation gate refused a start: its message, and a way to go ahead with a written reason. */
export function GateFailurePanel() {
  const failure = useApp((state) => state.gateFailure);
  const starting = useApp((state) => state.startingRun);
  const overrideGate = useApp((state) => state.overrideGate);
  const dismiss = useApp((state) => state.dismissGateFailure);
  const [overriding, setOverriding] = useState(false);
  const [reason, setReason] = useState('');
  if (!failure) return null;
  const reasonOk = reason.trim().length >= 3;
  return (
    <section className="gate-failure" role="alert" data-testid="gate-failure">
      <h3>The validation gate stopped this run</h3>
      <p className="gate-message" data-testid="gate-message">
        {failure.message}
      </p>
      {overriding ? (
        // A div, not a form: this panel sits inside the training form, and forms may not nest.
        <div className="gate-override">
          <label className="form-field">
            <span>Why train anyway? (kept with the run)</span>
            <textarea
              rows={2}
              maxLength={2000}
              value={reason}
              data-testid="gate-override-reason"
              onChange={(event) => setReason(event.target.value)}
            />
          </label>
          <div className="button-row">
            <button
              type="button"
              className="primary"
              onClick={() => void overrideGate(reason.trim())}
              disabled={!reasonOk || starting}
              data-testid="gate-override-submit"
            >
              {starting ? 'Starting…' : 'Start with this reason'}
            </button>
            <button type="button" onClick={() => setOverriding(false)}>
              Back
            </button>
          </div>
        </div>
      ) : (
        <div className="button-row">
          <button type="button" data-testid="gate-override" onClick={() => setOverriding(true)}>
            Override with a reason
          </button>
          <button type="button" data-testid="gate-dismiss" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      )}
    </section>
  );
}
