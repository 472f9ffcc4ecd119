import PhoneService

PhoneServiceCommand.main()
