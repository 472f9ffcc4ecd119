print("phone-service")
