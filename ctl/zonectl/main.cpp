// zonectl: placeholder entry point; subcommands are added in ctl/zonectl/.
int main() { return 0; }
