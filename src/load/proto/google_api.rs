//! A stand-in for the googleapis annotations, which protox does not carry.

/// Stand-in for `google/api/*.proto`: declares the HTTP annotation so that files using
/// `option (google.api.http)` compile without the googleapis repository.
pub const STUB: &str = r#"syntax = "proto3";
package google.api;
import "google/protobuf/descriptor.proto";
message HttpRule {
  string selector = 1;
  string get = 2;
  string put = 3;
  string post = 4;
  string delete = 5;
  string patch = 6;
  CustomHttpPattern custom = 8;
  string body = 7;
  string response_body = 12;
  repeated HttpRule additional_bindings = 11;
}
message CustomHttpPattern {
  string kind = 1;
  string path = 2;
}
extend google.protobuf.MethodOptions {
  HttpRule http = 72295728;
}
extend google.protobuf.ServiceOptions {
  string default_host = 1049;
  string oauth_scopes = 1050;
}
extend google.protobuf.MethodOptions {
  repeated string method_signature = 1051;
}
enum FieldBehavior {
  FIELD_BEHAVIOR_UNSPECIFIED = 0;
  OPTIONAL = 1;
  REQUIRED = 2;
  OUTPUT_ONLY = 3;
  INPUT_ONLY = 4;
  IMMUTABLE = 5;
  UNORDERED_LIST = 6;
  NON_EMPTY_DEFAULT = 7;
  IDENTIFIER = 8;
}
extend google.protobuf.FieldOptions {
  repeated FieldBehavior field_behavior = 1052;
}
"#;
