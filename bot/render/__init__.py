"""Report renderers shared by both adapters: Telegram HTML and the PDF."""
