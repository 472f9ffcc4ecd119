public enum PhoneStorePlaceholder {}
