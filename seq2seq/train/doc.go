// Package train trains attentional encoder-decoder models: the data
// pipeline from parallel text to token-budget batches, Adam with global-norm
// gradient clipping, validation with learning-rate halving and early
// stopping, and checkpoints that resume a run exactly.
//
// # Model
//
// The trainer trains a *seq2seq.Model: its TrainBatch adds the gradients
// of the mean loss per target token; the trainer clips their global norm
// to OptimizerConfig.ClipNorm and takes an Adam step. Setup builds the
// model, the data and the validation hooks (greedy translation and BLEU)
// of a configuration, or of a checkpoint to continue.
//
// # Schedule
//
// Each epoch visits the training examples in the batches that
// corpus.Batcher plans for (seed, epoch). Every ScheduleConfig.ValidEvery
// steps (or at the end of each epoch when it is 0) the trainer computes the
// validation perplexity and, when Hooks.Translate is set, the validation
// BLEU; the validation score is BLEU when available and minus the
// perplexity otherwise. After LRPatience validations without a better score
// the learning rate is multiplied by LRDecay (not below MinLR); after
// Patience of them training stops. MaxEpochs, MaxSteps and MaxTime stop it
// too.
//
// # Checkpoints
//
// A checkpoint is a model file of package seq2seq, written by
// seq2seq.File.Save and read by seq2seq.LoadFile (which checks the weights
// against the model configuration), so that "nmt translate" can use any
// checkpoint. Besides the model it holds the Adam moments as extra float32
// tensors "adam.m/NAME" and "adam.v/NAME" and the extra metadata
// "checkpoint_format" ("attnmt-checkpoint"), "checkpoint_version",
// "train_config" (JSON) and "trainer_state" (the State as JSON: step,
// position in the data, dropout generator, learning rate, best score,
// counters). Non-finite validation values are stored as the largest
// float64, since JSON has no NaN or infinities.
// Files are written atomically, as ckpt-STEP.safetensors in
// CheckpointConfig.Dir, every EverySteps steps or Every wall-clock time, at
// the end of a run and when the run's context is cancelled (Ctrl-C); the
// newest KeepLast are kept, and best.safetensors holds the best validated
// model. A run resumed from a checkpoint (Trainer.Restore) continues with
// the same data order, optimizer state, learning rate and dropout stream,
// and ends with the same parameters as a run that was never interrupted.
package train
