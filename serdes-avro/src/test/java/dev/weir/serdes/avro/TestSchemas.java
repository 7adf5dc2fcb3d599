package dev.weir.serdes.avro;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;

/** Versions of a click schema, as a topic's producers might have evolved it. */
final class TestSchemas {

    private TestSchemas() {
    }

    static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }

    /** v1: email, uri, number (int). */
    static final Schema CLICK_V1 = parse("""
            {"type": "record", "name": "Click", "namespace": "dev.weir.test", "fields": [
              {"name": "email", "type": "string"},
              {"name": "uri", "type": "string"},
              {"name": "number", "type": "int"}
            ]}""");

    /** v2: v1 plus "referrer" with a default. */
    static final Schema CLICK_V2_ADDED_WITH_DEFAULT = parse("""
            {"type": "record", "name": "Click", "namespace": "dev.weir.test", "fields": [
              {"name": "email", "type": "string"},
              {"name": "uri", "type": "string"},
              {"name": "number", "type": "int"},
              {"name": "referrer", "type": "string", "default": "direct"}
            ]}""");

    /** v1 plus "referrer" without a default: cannot read v1 data. */
    static final Schema CLICK_ADDED_WITHOUT_DEFAULT = parse("""
            {"type": "record", "name": "Click", "namespace": "dev.weir.test", "fields": [
              {"name": "email", "type": "string"},
              {"name": "uri", "type": "string"},
              {"name": "number", "type": "int"},
              {"name": "referrer", "type": "string"}
            ]}""");

    /** v1 without "email". */
    static final Schema CLICK_REMOVED_EMAIL = parse("""
            {"type": "record", "name": "Click", "namespace": "dev.weir.test", "fields": [
              {"name": "uri", "type": "string"},
              {"name": "number", "type": "int"}
            ]}""");

    /** v1 with "uri" renamed to "url", which keeps the old name as an alias. */
    static final Schema CLICK_RENAMED_URI = parse("""
            {"type": "record", "name": "Click", "namespace": "dev.weir.test", "fields": [
              {"name": "email", "type": "string"},
              {"name": "url", "type": "string", "aliases": ["uri"]},
              {"name": "number", "type": "int"}
            ]}""");

    /** v1 with "number" promoted from int to long. */
    static final Schema CLICK_NUMBER_LONG = parse("""
            {"type": "record", "name": "Click", "namespace": "dev.weir.test", "fields": [
              {"name": "email", "type": "string"},
              {"name": "uri", "type": "string"},
              {"name": "number", "type": "long"}
            ]}""");

    /** v1 with "number" as a string: cannot read v1 data. */
    static final Schema CLICK_NUMBER_STRING = parse("""
            {"type": "record", "name": "Click", "namespace": "dev.weir.test", "fields": [
              {"name": "email", "type": "string"},
              {"name": "uri", "type": "string"},
              {"name": "number", "type": "string"}
            ]}""");

    static GenericRecord clickV1(String email, String uri, int number) {
        return new GenericRecordBuilder(CLICK_V1).set("email", email).set("uri", uri).set("number", number).build();
    }

    static GenericRecord record(Schema schema, Object... namesAndValues) {
        GenericData.Record r = new GenericData.Record(schema);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            r.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return r;
    }
}
