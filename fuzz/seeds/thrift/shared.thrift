// A base service other files extend.
namespace go shared

service Base {
  string ping()
}
