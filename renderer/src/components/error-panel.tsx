import { useApp } from '../store/app-store.js';

/** Errors the user should read: engine messages are written for people, so they are shown whole. */
export function ErrorPanel() {
  const errors = useApp((state) => state.errors);
  const dismissError = useApp((state) => state.dismissError);
  if (errors.length === 0) return null;
  return (
    <section className="error-panel" role="alert" aria-label="Errors" data-testid="error-panel">
      {errors.map((error) => (
        <div key={error.id} className="error-item" data-testid="error-item">
          <p className="error-message" data-testid="error-message">
            {error.message}
          </p>
          <button
            type="button"
            className="dismiss-button"
            aria-label="Dismiss this error"
            data-testid="dismiss-error"
            onClick={() => dismissError(error.id)}
          >
            Dismiss
          </button>
        </div>
      ))}
    </section>
  );
}
