"""The one service both adapters call: steps, episodes, notifications, access and audit events."""
