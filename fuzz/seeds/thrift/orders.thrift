include "shared.thrift"

namespace java com.example.orders
namespace py orders.api

/* Comments, annotations and default values are skipped. */
struct Order {
  1: required string id = "" (go.tag = "json:\"id\"")
  2: map<string, list<i64>> lines
}

service OrderService extends shared.Base {
  Order createOrder(1: Order order) (deprecated = "no")
  oneway void audit(1: string event),
  Order getOrder(1: string id);
} (owner = "orders")
