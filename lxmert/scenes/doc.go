// Package scenes generates synthetic scenes (coloured cubes, spheres and cylinders on a
// canvas) with LXMERT-style region features and template questions whose answers follow
// from the regions alone. It exists so the project can train and ship a small default
// question-answering model, since real LXMERT weights cannot be bundled, and so a person can
// look at a scene's picture and check what was asked.
//
// Everything is deterministic: a seed and a scene index fix the objects, their features
// and the questions, on any machine and whatever the number of scenes asked for. The
// feature codebook has its own seed, so scenes from different seeds (train and test) share
// it.
package scenes
