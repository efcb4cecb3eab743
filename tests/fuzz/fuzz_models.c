/*
** fuzz_models.c: libFuzzer target for the model loader. Any input must load
** or fail with an error value: no crash, leak or sanitizer report. What loads
** is also written back out, to exercise the writers on odd schemas.
**
** Build: cmake -B build-fuzz -DCMAKE_C_COMPILER=clang -DRETORT_FUZZ=ON
** Run:   build-fuzz/tests/fuzz/fuzz_models -dict=tests/fuzz/models.dict \
**            -max_total_time=60 NEW_CORPUS_DIR tests/fuzz/corpus
** With RETORT_FUZZ_ROUNDTRIP=1 in the environment, a loaded schema must also
** survive schema -> YAML -> schema unchanged (an oracle, off by default).
*/
#include <retort.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const retort_schema *schema)
{
	retort_schema *again = NULL;
	retort_error *err = NULL;
	char *yaml = NULL, *why = NULL;
	int eq = 0;

	if (retort_schema_to_yaml(&yaml, schema, NULL) < 0)
		goto done;
	if (retort_models_load_text(&again, yaml, strlen(yaml), "roundtrip.yaml",
			NULL, &err) < 0) {
		fprintf(stderr, "written YAML does not load back: %s\n%s",
			err && err->message ? err->message : "?", yaml);
		abort();
	}
	if (retort_schema_equal(&eq, &why, schema, again, NULL) != 0 || !eq) {
		fprintf(stderr, "round trip changed the schema: %s\n%s",
			why ? why : "?", yaml);
		abort();
	}
done:
	free(why);
	free(yaml);
	retort_schema_free(again);
	retort_error_free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	retort_schema *schema = NULL;
	retort_error *err = NULL;
	char *text = NULL;

	if (retort_models_load_text(&schema, (const char *)data, size,
			"fuzz.yaml", NULL, &err) == 0) {
		if (retort_schema_to_yaml(&text, schema, NULL) == 0)
			free(text);
		text = NULL;
		if (retort_schema_to_sql(&text, schema, NULL) == 0)
			free(text);
		if (getenv("RETORT_FUZZ_ROUNDTRIP"))
			roundtrip(schema);
	} else if (!err || !err->message) {
		/* A failure always comes with a message. */
		abort();
	}
	retort_schema_free(schema);
	retort_error_free(err);
	return 0;
}
