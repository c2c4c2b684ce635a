service Mailer {
  bool verify(1: string address)
  oneway void sendReceipt(1: string orderId, 2: string address)
}
