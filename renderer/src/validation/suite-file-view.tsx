import { useRef, useState } from 'react';
import type { SuiteDefinition } from '../../../core/contract/validation.js';
import { formatSuiteFile, parseSuiteFile } from '../../../core/domain/suite-file.js';
import { messageOf } from '../store/session-slice.js';

export interface SuiteFileViewProps {
  readonly definition: SuiteDefinition;
  /** A parsed file or edited text replaces the suite's definition. */
  onApply(definition: SuiteDefinition): void;
}

function fileNameFor(definition: SuiteDefinition, format: 'yaml' | 'json'): string {
  const stem = definition.name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${stem || 'suite'}.${format === 'yaml' ? 'yaml' : 'json'}`;
}

function download(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The click has started the download by the time the next task runs.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The suite as its YAML file: edit the text and apply it, or download / upload the file. */
export function SuiteFileView({ definition, onApply }: SuiteFileViewProps) {
  const [text, setText] = useState(() => formatSuiteFile(definition, 'yaml'));
  const [error, setError] = useState<string | null>(null);
  const uploadRef = useRef<HTMLInputElement>(null);

  const apply = (source: string, fileName: string): void => {
    try {
      onApply(parseSuiteFile(source, fileName));
      setError(null);
    } catch (problem) {
      // The parser names the line and the field; shown whole.
      setText(source);
      setError(messageOf(problem));
    }
  };

  return (
    <div className="suite-file" data-testid="suite-file-view">
      <textarea
        className="suite-yaml"
        aria-label="The suite as YAML"
        spellCheck={false}
        data-testid="suite-yaml-text"
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      {error !== null && (
        <pre className="suite-yaml-error" role="alert" data-testid="suite-yaml-error">
          {error}
        </pre>
      )}
      <div className="suite-file-buttons">
        <button
          type="button"
          className="primary"
          data-testid="suite-yaml-apply"
          onClick={() => apply(text, 'suite.yaml')}
        >
          Apply to the form
        </button>
        <button
          type="button"
          data-testid="suite-download-yaml"
          onClick={() =>
            download(formatSuiteFile(definition, 'yaml'), fileNameFor(definition, 'yaml'), 'text/yaml')
          }
        >
          Download YAML
        </button>
        <button
          type="button"
          data-testid="suite-download-json"
          onClick={() =>
            download(formatSuiteFile(definition, 'json'), fileNameFor(definition, 'json'), 'application/json')
          }
        >
          Download JSON
        </button>
        <button type="button" data-testid="suite-upload" onClick={() => uploadRef.current?.click()}>
          Upload a file…
        </button>
        <input
          ref={uploadRef}
          type="file"
          accept=".yaml,.yml,.json"
          className="visually-hidden"
          tabIndex={-1}
          aria-hidden="true"
          data-testid="suite-upload-input"
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (file) void file.text().then((source) => apply(source, file.name));
          }}
        />
      </div>
    </div>
  );
}
