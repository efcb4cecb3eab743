/*
** seq_models.h: model YAML for one schema of a generated sequence, written
** by retort_schema_to_yaml and told of the renames that lead to it.
*/
#ifndef RETORT_SEQ_MODELS_H
#define RETORT_SEQ_MODELS_H

#include "roundtrip/gen_schema.h"

#include <retort.h>
#include <stddef.h>

/*
** The models of `s`, with `renamed_from` added to each table and column that
** a rename record names (the records of gen_schema.renames: current names,
** and the name in the previous schema). retort_schema_to_yaml writes no
** renames, so they go into its YAML tree, parsed and written back with
** libyaml. Returns a malloc'd text, or NULL with a malloc'd reason in `*why`.
*/
char *seq_models_yaml(const retort_schema *s, const gen_rename *renames, size_t n, char **why);

#endif
