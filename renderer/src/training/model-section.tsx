import { parseSizes } from './config-draft.js';
import { CheckField, FormSection, SelectField, TextField, inRange } from './form-fields.js';
import type { DraftProps } from './form-fields.js';

function CnnFields({ draft, setDraft }: DraftProps) {
  return (
    <>
      <div className="form-row">
        <TextField
          label="Image size"
          value={draft.imageSize}
          valid={inRange(draft.imageSize, 8, 512)}
          onChange={(imageSize) => setDraft({ imageSize })}
          testId="model-image-size"
          hint="Images are resized to size × size pixels (8–512)"
          width={56}
        />
        <SelectField
          label="Channels"
          value={draft.channels}
          options={[
            { value: '3', label: 'RGB (3)' },
            { value: '1', label: 'Grey (1)' },
          ]}
          onChange={(channels) => setDraft({ channels })}
          testId="model-channels"
        />
        <TextField
          label="Conv filters"
          value={draft.filters}
          valid={parseSizes(draft.filters) !== null}
          onChange={(filters) => setDraft({ filters })}
          testId="model-filters"
          hint="Filters of each conv block, e.g. 16,32 (up to 6 blocks)"
          width={88}
        />
        <TextField
          label="Dense units"
          value={draft.dense}
          valid={inRange(draft.dense, 1, 4096)}
          onChange={(dense) => setDraft({ dense })}
          testId="model-dense"
          width={56}
        />
        <TextField
          label="Dropout"
          value={draft.dropout}
          valid={inRange(draft.dropout, 0, 0.9)}
          onChange={(dropout) => setDraft({ dropout })}
          testId="model-dropout"
          width={56}
        />
      </div>
      <div className="form-row">
        <CheckField
          label="Flip horizontally"
          checked={draft.flipHorizontal}
          onChange={(flipHorizontal) => setDraft({ flipHorizontal })}
          testId="model-flip"
        />
        <TextField
          label="Max shift (px)"
          value={draft.maxShiftPixels}
          valid={inRange(draft.maxShiftPixels, 0, 64)}
          onChange={(maxShiftPixels) => setDraft({ maxShiftPixels })}
          testId="model-shift"
          hint="Training images move by up to this many pixels each way; 0 for none"
          width={56}
        />
      </div>
    </>
  );
}

function TableModelFields({ draft, setDraft }: DraftProps) {
  return (
    <div className="form-row">
      <SelectField
        label="Kind"
        value={draft.modelKind}
        options={[
          { value: 'mlp', label: 'MLP' },
          { value: 'linear', label: draft.task === 'regression' ? 'Linear' : 'Logistic (linear)' },
        ]}
        onChange={(modelKind) => setDraft({ modelKind })}
        testId="model-kind"
      />
      {draft.modelKind === 'mlp' && (
        <>
          <TextField
            label="Layers"
            value={draft.layers}
            valid={parseSizes(draft.layers) !== null}
            onChange={(layers) => setDraft({ layers })}
            testId="model-layers"
            hint="Hidden layer sizes, e.g. 64,64"
            width={88}
          />
          <SelectField
            label="Activation"
            value={draft.activation}
            options={[
              { value: 'relu', label: 'ReLU' },
              { value: 'tanh', label: 'tanh' },
              { value: 'elu', label: 'ELU' },
            ]}
            onChange={(activation) => setDraft({ activation })}
            testId="model-activation"
          />
          <TextField
            label="Dropout"
            value={draft.dropout}
            valid={inRange(draft.dropout, 0, 0.9)}
            onChange={(dropout) => setDraft({ dropout })}
            testId="model-dropout"
            width={56}
          />
          <CheckField
            label="Batch norm"
            checked={draft.batchNorm}
            onChange={(batchNorm) => setDraft({ batchNorm })}
            testId="model-batchnorm"
          />
        </>
      )}
      <TextField
        label="L2"
        value={draft.l2}
        valid={inRange(draft.l2, 0, 10)}
        onChange={(l2) => setDraft({ l2 })}
        testId="model-l2"
        width={56}
      />
    </div>
  );
}

/** A CNN for images; a linear model or an MLP for tables. */
export function ModelSection({ images, draft, setDraft }: DraftProps & { images: boolean }) {
  return (
    <FormSection title={images ? 'Model: CNN' : 'Model'}>
      {images ? <CnnFields {...{ draft, setDraft }} /> : <TableModelFields {...{ draft, setDraft }} />}
    </FormSection>
  );
}
