import { useEffect, useState } from 'react';
import type { DatasetVersion } from '../../../core/contract/schemas.js';
import { useApp } from '../store/app-store.js';
import { buildConfig, draftFromConfig, initialDraft, isImageVersion } from './config-draft.js';
import type { TrainDraft } from './config-draft.js';
import { BackendPicker } from './backend-picker.js';
import { FeaturesSection, SplitSection } from './data-sections.js';
import { FormSection, TextField } from './form-fields.js';
import { GateFailurePanel } from './gate-dialog.js';
import { ModelSection } from './model-section.js';
import { OptimisationSection } from './optimisation-section.js';
import { SearchFields } from './search-fields.js';
import { buildSearch, defaultSearchDraft } from './search-draft.js';
import type { SearchDraft } from './search-draft.js';
import { TargetSection } from './target-section.js';

type Mode = 'single' | 'search';

/** Configure a run (or a search) on one dataset version and start it. */
export function TrainForm({ version, fromRunId }: { version: DatasetVersion; fromRunId?: string }) {
  const profile = useApp((state) => state.profiles[version.id]);
  const loadProfile = useApp((state) => state.loadProfile);
  const fromRun = useApp((state) => (fromRunId !== undefined ? state.runs[fromRunId] : undefined));
  const starting = useApp((state) => state.startingRun);
  const startRun = useApp((state) => state.startRun);
  const startSearch = useApp((state) => state.startSearch);
  const [mode, setMode] = useState<Mode>('single');
  const [draft, setDraftState] = useState<TrainDraft>(() =>
    fromRun ? draftFromConfig(fromRun.config) : initialDraft(version),
  );
  const [search, setSearchState] = useState<SearchDraft>(defaultSearchDraft);
  const [problems, setProblems] = useState<readonly string[]>([]);
  const setDraft = (change: Partial<TrainDraft>): void => setDraftState((old) => ({ ...old, ...change }));
  const setSearch = (change: Partial<SearchDraft>): void => setSearchState((old) => ({ ...old, ...change }));
  const images = isImageVersion(version);

  useEffect(() => {
    void loadProfile(version.id);
  }, [loadProfile, version.id]);

  const start = async (): Promise<void> => {
    const built = buildConfig(draft, version);
    if (!built.ok) {
      setProblems(built.problems);
      return;
    }
    if (mode === 'single') {
      setProblems([]);
      await startRun(built.value);
      return;
    }
    const builtSearch = buildSearch(search, draft.modelKind);
    if (!builtSearch.ok) {
      setProblems(builtSearch.problems);
      return;
    }
    setProblems([]);
    await startSearch(built.value, builtSearch.value);
  };

  return (
    <form
      className="train-form"
      data-testid="train-form"
      data-images={images}
      onSubmit={(event) => {
        event.preventDefault();
        void start();
      }}
    >
      <div className="train-form-top">
        <div className="segmented" role="group" aria-label="Single run or search">
          <button
            type="button"
            aria-pressed={mode === 'single'}
            data-testid="train-mode-single"
            onClick={() => setMode('single')}
          >
            Single run
          </button>
          <button
            type="button"
            aria-pressed={mode === 'search'}
            data-testid="train-mode-search"
            onClick={() => setMode('search')}
          >
            Search
          </button>
        </div>
        <TextField
          label="Run name"
          value={draft.name}
          onChange={(name) => setDraft({ name })}
          testId="train-name"
          hint="Optional; the engine names the run when empty"
        />
        {fromRun && (
          <span className="muted" data-testid="train-from-run">
            Starting from {fromRun.name}
          </span>
        )}
      </div>

      <div className="form-sections">
        <TargetSection version={version} profile={profile} draft={draft} setDraft={setDraft} />
        {images ? (
          <FormSection title="Input">
            <p className="muted form-note" data-testid="train-image-input">
              The model learns from each image; the other columns are not used as features.
            </p>
          </FormSection>
        ) : (
          <FeaturesSection version={version} draft={draft} setDraft={setDraft} />
        )}
        <SplitSection draft={draft} setDraft={setDraft} />
        <ModelSection images={images} draft={draft} setDraft={setDraft} />
        <OptimisationSection draft={draft} setDraft={setDraft} />
        <FormSection title="Where it trains">
          <BackendPicker value={draft.backend} onChange={(backend) => setDraft({ backend })} />
        </FormSection>
        {mode === 'search' && (
          <SearchFields search={search} setSearch={setSearch} modelKind={draft.modelKind} />
        )}
      </div>

      {problems.length > 0 && (
        <ul className="suite-problems" data-testid="train-problems">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      <GateFailurePanel />
      <div className="button-row">
        <button type="submit" className="primary" disabled={starting} data-testid="start-training">
          {starting ? 'Starting…' : mode === 'search' ? 'Start search' : 'Start training'}
        </button>
      </div>
    </form>
  );
}
