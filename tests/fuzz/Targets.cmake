# The fuzz targets, one per reader of outside input (tests/fuzz/fuzz_<name>.cpp, seeds in
# tests/fuzz/corpus/<name>/). Both builds read this list: the instrumented one builds the
# targets, the main one registers a ctest test that runs each (docs/development.md#fuzzing-and-sanitizers).
set(CORRAL_FUZZ_TARGETS
  config             # run config YAML/JSON and --set overrides: reader, loader, writer round trip
  config_edit        # the config editor's field edits on any text
  metric_line        # metrics.jsonl/events.jsonl: line splitter, fast vs full parser, RunSeries
  slurm              # sbatch, squeue, sacct, scontrol, sinfo output and GRES fields
  safetensors_header # safetensors header: offsets, shapes, dtypes against the file
  tokenizer          # tokenizer.json + tokenizer_config.json, encode/decode round trip
  llama_config       # a model's config.json: reader, writer round trip, the resource estimate
  ssh_config         # ~/.ssh/config
  records            # training data records: text, alpaca, chat JSONL and plain text
  checkpoint_index   # the app: trainer_state.json, adapter_config.json, best/chosen pointers, config.yaml
  trainer_state      # the trainer's resume: trainer_state.json
)

# The test programs the instrumented build also builds, and which ctest runs under ASan+UBSan
# (the ones without LibTorch that exercise parsers and the app's core).
set(CORRAL_SANITIZED_TESTS
  tst_config tst_io tst_tokenizer
  tst_metriclineparser tst_jsonltailer tst_slurmstateparser tst_sinfoparser tst_sshconfig tst_sbatchscript
  tst_shellquote tst_checkpointindex tst_seriesstore tst_downsampler tst_remoterunplan tst_runprogress
  tst_localrunindex tst_profilestore
)
