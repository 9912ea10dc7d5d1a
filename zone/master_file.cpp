// zone/ sources land here
